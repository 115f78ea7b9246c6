-- KEYS/ARGV as presence_join.lua. Returns the nodes left (0: the user went offline), -1 when not counted.
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then
  return -1
end
local n = redis.call('HINCRBY', KEYS[1], ARGV[2], -1)
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[2])
  return 0
end
return n
