-- A node's heartbeat: 1 refreshed; 2 the key had expired but the node was not reaped yet (Redis
-- was unreachable for a while), so it is set again; 0 the node was reaped and must rejoin as new.
-- Atomic against reap.lua, which removes a node from the set in the same step as its records.
-- KEYS: 1 the node's heartbeat key, 2 node set
-- ARGV: 1 node id, 2 time to live in ms
if redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 1 then
  return 1
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
  return 2
end
return 0
