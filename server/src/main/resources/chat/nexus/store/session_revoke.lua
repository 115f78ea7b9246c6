-- KEYS[1] = session hash; ARGV[1] = refresh key prefix. Ends the session and its refresh token.
local hash = redis.call('HGET', KEYS[1], 'refresh')
if hash then
  redis.call('DEL', ARGV[1] .. hash)
end
return redis.call('DEL', KEYS[1])
