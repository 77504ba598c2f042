-- Takes a connection of a user out of a room: 1 if it was the user's last connection there.
-- KEYS: 1 room conns hash, 2 room users hash, 3 (unused), 4 the node's index set, 5 rooms set,
--       6 the room's list of logged message ids
-- ARGV: 1 conn, 2 user, 3 index member, 4 room
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('SREM', KEYS[4], ARGV[3])
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) > 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[2])
if redis.call('HLEN', KEYS[2]) == 0 and redis.call('LLEN', KEYS[6]) == 0 then
  redis.call('SREM', KEYS[5], ARGV[4])
end
return 1
