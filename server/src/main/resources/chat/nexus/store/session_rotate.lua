-- KEYS[1] = old refresh token -> session id, KEYS[2] = new refresh token -> session id
-- ARGV: session key prefix, old hash, new hash, new expiry (epoch ms), now (epoch ms)
-- Returns {session id, user id} or nil when no active session has the old token.
local id = redis.call('GET', KEYS[1])
if not id then
  return nil
end
local session = ARGV[1] .. id
local fields = redis.call('HMGET', session, 'user', 'refresh', 'expires')
if not fields[1] or fields[2] ~= ARGV[2] or tonumber(fields[3]) <= tonumber(ARGV[5]) then
  return nil
end
redis.call('DEL', KEYS[1])
redis.call('HSET', session, 'refresh', ARGV[3], 'expires', ARGV[4])
redis.call('PEXPIREAT', session, ARGV[4])
redis.call('SET', KEYS[2], id, 'PXAT', ARGV[4])
return {id, fields[1]}
