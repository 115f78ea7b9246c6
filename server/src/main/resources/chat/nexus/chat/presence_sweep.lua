-- Removes nodes whose last heartbeat is older than the deadline, and their users from the rooms.
-- KEYS[1] = nodes (sorted set: node id -> last heartbeat ms). ARGV[1] = deadline ms, ARGV[2] = presence key prefix
-- (with its hash tag, so that every key here is in KEYS[1]'s cluster slot).
-- Returns the "room\nuser" pairs that went offline. One run is atomic, so one node sweeps a dead node.
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local gone = {}
for _, node in ipairs(dead) do
  redis.call('ZREM', KEYS[1], node)
  local nodeKey = ARGV[2] .. 'node:' .. node
  for _, pair in ipairs(redis.call('SMEMBERS', nodeKey)) do
    local sep = string.find(pair, '\n', 1, true)
    local roomKey = ARGV[2] .. 'room:' .. string.sub(pair, 1, sep - 1)
    local user = string.sub(pair, sep + 1)
    if redis.call('HINCRBY', roomKey, user, -1) <= 0 then
      redis.call('HDEL', roomKey, user)
      table.insert(gone, pair)
    end
  end
  redis.call('DEL', nodeKey)
end
return gone
