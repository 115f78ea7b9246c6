-- Reports one node's connections and returns every node's, in one round trip on one key (so it
-- works on Redis Cluster). Stamped with Redis' clock, so that the nodes' clocks need not agree.
-- KEYS[1]  the hash of node loads: node id -> "<connections> <ready 1|0> <stamp ms>"
-- ARGV[1]  this node's id
-- ARGV[2]  its connections, or "-" to remove it (a node that stops)
-- ARGV[3]  1 when it takes new clients, 0 while it drains
-- ARGV[4]  entries older than this many ms belong to nodes that are gone
-- returns  the live entries, as HGETALL does (id, value, id, value, ...)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxAge = tonumber(ARGV[4])
if ARGV[2] == '-' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. now)
end
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  -- only what a node writes; a stamp ahead of Redis' clock (forged, or the clock went back) would
  -- keep a gone node's count in the mean for as long
  local stamp = tonumber(string.match(all[i + 1], '^%d+ [01] (%d+)$'))
  if stamp == nil or now - stamp > maxAge or stamp - now > maxAge then
    redis.call('HDEL', KEYS[1], all[i])
  else
    live[#live + 1] = all[i]
    live[#live + 1] = all[i + 1]
  end
end
if #live > 0 then
  redis.call('PEXPIRE', KEYS[1], maxAge)
end
return live
