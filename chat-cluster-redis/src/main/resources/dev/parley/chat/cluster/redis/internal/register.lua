-- A node joins: its heartbeat key and its place in the node set.
-- KEYS: 1 the node's heartbeat key, 2 node set
-- ARGV: 1 node id, 2 time to live in ms
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
