-- Puts a connection of a user in a room: 1 if it is the user's first connection there, anywhere.
-- KEYS: 1 room conns hash {conn -> node:user}, 2 room users hash {user -> connections},
--       3 node set (EVICTED if this node is not in it, as claim.lua), 4 this node's index set,
--       5 rooms set
-- ARGV: 1 conn, 2 user, 3 node, 4 index member, 5 room
if redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 0 then
  return redis.error_reply('EVICTED this node was reaped')
end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[3] .. ':' .. ARGV[2]) == 0 then
  return 0
end
redis.call('SADD', KEYS[4], ARGV[4])
redis.call('SADD', KEYS[5], ARGV[5])
if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then
  return 1
end
return 0
