-- Releases a connection's claim on a username.
-- KEYS: 1 user hash, 2 (unused), 3 the index set of the node holding it, 4 online set,
--       5 conn -> node hash, 6 conn -> claim count hash
-- ARGV: 1 conn, 2 user, 3 index member
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then
  return 0
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[3])
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[4], ARGV[2])
end
if redis.call('HINCRBY', KEYS[6], ARGV[1], -1) <= 0 then
  redis.call('HDEL', KEYS[6], ARGV[1])
  redis.call('HDEL', KEYS[5], ARGV[1])
end
return 1
