-- KEYS[1] = room hash (user -> nodes online there); ARGV[1] = most users to list.
-- Returns {count, user, ...}: how many users are online in the room and at most ARGV[1] of them. A room of
-- any size costs a few HSCAN steps of about ARGV[1] fields each, never the whole hash.
local limit = tonumber(ARGV[1])
local out = {redis.call('HLEN', KEYS[1])}
if limit <= 0 then
  return out
end
local cursor = '0'
repeat
  local step = redis.call('HSCAN', KEYS[1], cursor, 'COUNT', limit)
  cursor = step[1]
  local fields = step[2]
  for i = 1, #fields, 2 do
    out[#out + 1] = fields[i]
    if #out > limit then
      return out
    end
  end
until cursor == '0'
return out
