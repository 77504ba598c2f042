-- Claims a username for a connection of this node. A name is held by one connection alone, or
-- shared by connections that all claimed it shared. Fails with EVICTED if this node was reaped
-- (is no longer in the node set): records of a reaped node would never be removed again.
-- KEYS: 1 user hash {conn -> node:s|x}, 2 node set, 3 this node's index set,
--       4 online set, 5 conn -> node hash, 6 conn -> claim count hash
-- ARGV: 1 conn, 2 node, 3 s|x, 4 user, 5 index member
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then
  return redis.error_reply('EVICTED this node was reaped')
end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return 1
end
local all = redis.call('HVALS', KEYS[1])
if #all > 0 then
  if ARGV[3] ~= 's' then
    return 0
  end
  for _, v in ipairs(all) do
    if string.sub(v, -1) ~= 's' then
      return 0
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('SADD', KEYS[3], ARGV[5])
redis.call('SADD', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[6], ARGV[1], 1)
return 1
