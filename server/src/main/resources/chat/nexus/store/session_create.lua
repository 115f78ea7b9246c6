-- KEYS[1] = session hash, KEYS[2] = refresh token -> session id
-- ARGV: session id, user id, refresh token hash, expires at (epoch ms)
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'refresh', ARGV[3], 'expires', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[1], 'PXAT', ARGV[4])
return 1
