-- Fixed window counter. KEYS[1] = the subject's counter, ARGV[1] = window in ms.
-- Returns {count including this request, ms until the window ends}. Atomic: one script run.
local count = redis.call('INCR', KEYS[1])
local ttl = -1
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
  end
end
return {count, ttl}
