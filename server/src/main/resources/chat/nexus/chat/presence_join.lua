-- KEYS[1] = room hash (user -> nodes online there), KEYS[2] = this node's set of "room\nuser"
-- ARGV[1] = "room\nuser", ARGV[2] = user. Returns the user's node count in the room, -1 when already counted.
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  return -1
end
return redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
