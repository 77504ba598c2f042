-- Claims a username for a connection of this node. A name is held by one connection alone, or
-- shared by connections that all claimed it shared. Fails with EVICTED if this node was reaped
-- (is no longer in the node set): records of a reaped node would never be removed again.
-- With an earlier connection (a takeover), that connection's claim on the name passes to this one
-- if this one gets the name: the earlier one's node may be dead and not reaped yet.
-- KEYS: 1 user hash {conn -> node:s|x}, 2 node set, 3 this node's index set,
--       4 online set, 5 conn -> node hash, 6 conn -> claim count hash
-- ARGV: 1 conn, 2 node, 3 s|x, 4 user, 5 index member,
--       6 earlier conn or '', 7 key prefix, 8 the earlier conn's index member or ''
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then
  return redis.error_reply('EVICTED this node was reaped')
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return 1
end
local earlier = ARGV[6]
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= earlier then
    if ARGV[3] ~= 's' or string.sub(all[i + 1], -1) ~= 's' then
      return 0
    end
  end
end
if earlier ~= '' then
  local held = redis.call('HGET', KEYS[1], earlier)
  if held then
    redis.call('HDEL', KEYS[1], earlier)
    local node = string.match(held, '^(.*):[sx]$')
    redis.call('SREM', ARGV[7] .. 'node:' .. node .. ':index', ARGV[8])
    if redis.call('HINCRBY', KEYS[6], earlier, -1) <= 0 then
      redis.call('HDEL', KEYS[6], earlier)
      redis.call('HDEL', KEYS[5], earlier)
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('SADD', KEYS[3], ARGV[5])
redis.call('SADD', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[6], ARGV[1], 1)
return 1
