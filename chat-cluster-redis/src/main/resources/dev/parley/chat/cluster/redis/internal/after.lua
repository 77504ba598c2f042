-- The messages and changes (e) of a room after an id (of any room: ids are one sequence), if the log can answer
-- for all of them: {1, then (id, payload) oldest first}; {0} if it cannot: the id is newer than any
-- the cluster made, or older than its era (Redis lost its data since), than the room's floor (the
-- log dropped messages after it) or than the room's birth (Redis lost the room's keys, and with them
-- what came before it); the room had entries but has no meta (Redis lost it); the log misses the
-- room's newest message (Redis lost the log); or more than ARGV[2] messages follow the id.
-- KEYS: 1 log stream, 2 room meta hash, 3 id hash
-- ARGV: 1 the id as a stream id, 2 limit, 3 the room's name
local id = ARGV[1]
local made = redis.call('HMGET', KEYS[3], 'ms', 'n', 'era')
if not made[1] or older(made[1] .. '-' .. made[2], id) or (made[3] and older(id, made[3])) then
  return {0}
end
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'born', 'floor', 'last', 'cleared')
if not meta[1] then
  -- A room that never had an entry has nothing to miss; one that had (publish.lua) was lost.
  if redis.call('HEXISTS', KEYS[3], 'b:' .. ARGV[3]) == 1 then
    return {0}
  end
  return {1}
end
if (meta[2] and older(id, meta[2])) or (meta[3] and older(id, meta[3])) then
  return {0}
end
-- The newest message, unless a clear removed it, is in the log; if the log does not hold it, Redis
-- lost the log (and the rest of what the id missed) since its last entry.
local newest = meta[4]
if newest and (not older(id, newest) or (meta[5] and older(newest, meta[5]))) then
  newest = nil
end
local limit = tonumber(ARGV[2])
local out = {1}
local sawNewest = not newest
local from = '(' .. id
while true do
  local chunk = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 100)
  if #chunk == 0 then
    if not sawNewest then
      return {0}
    end
    return out
  end
  for _, e in ipairs(chunk) do
    if e[1] == newest then
      sawNewest = true
    end
    if e[2][4] == 'm' or e[2][4] == 'e' then
      if (#out - 1) / 2 >= limit then
        return {0}
      end
      out[#out + 1] = e[1]
      out[#out + 1] = e[2][6]
    end
  end
  from = '(' .. chunk[#chunk][1]
end
