-- Removes the claims and presence of nodes whose heartbeat key expired (or, with ARGV[2], of that
-- one node, which is leaving), and drops them from the node set. Atomic, so each dead node is
-- reaped by exactly one caller. Returns (room, user) pairs of users who so left a room for good;
-- the caller publishes their Presence(left).
-- KEYS: 1 node set
-- ARGV: 1 key prefix, 2 a leaving node's id, or ''
local p = ARGV[1]
local ids
if ARGV[2] ~= '' then
  ids = {ARGV[2]}
else
  ids = redis.call('SMEMBERS', KEYS[1])
end
local left = {}
for _, id in ipairs(ids) do
  if ARGV[2] ~= '' or redis.call('EXISTS', p .. 'node:' .. id) == 0 then
    redis.call('DEL', p .. 'node:' .. id)
    local index = p .. 'node:' .. id .. ':index'
    for _, m in ipairs(redis.call('SMEMBERS', index)) do
      -- index member: kind (c claim, r room), name length, ':', name, connection id
      local colon = string.find(m, ':', 2, true)
      local len = tonumber(string.sub(m, 2, colon - 1))
      local name = string.sub(m, colon + 1, colon + len)
      local conn = string.sub(m, colon + len + 1)
      if string.sub(m, 1, 1) == 'c' then
        local user = p .. 'user:' .. name
        if redis.call('HDEL', user, conn) == 1 and redis.call('HLEN', user) == 0 then
          redis.call('SREM', p .. 'online', name)
        end
        if redis.call('HINCRBY', p .. 'conn-claims', conn, -1) <= 0 then
          redis.call('HDEL', p .. 'conn-claims', conn)
          redis.call('HDEL', p .. 'conn-node', conn)
        end
      else
        local room = p .. 'room:' .. name
        local v = redis.call('HGET', room .. ':conns', conn)
        if v then
          redis.call('HDEL', room .. ':conns', conn)
          local user = string.sub(v, string.find(v, ':', 1, true) + 1)
          if redis.call('HINCRBY', room .. ':users', user, -1) <= 0 then
            redis.call('HDEL', room .. ':users', user)
            left[#left + 1] = name
            left[#left + 1] = user
            if redis.call('HLEN', room .. ':users') == 0 and redis.call('LLEN', room .. ':msgs') == 0 then
              redis.call('SREM', p .. 'rooms', name)
            end
          end
        end
      end
    end
    redis.call('DEL', index)
    redis.call('SREM', KEYS[1], id)
  end
end
return left
