-- The messages of a room after an id (of any room: ids are one sequence), if the log can answer
-- for all of them: {1, then (id, payload) oldest first}; {0} if it cannot: the id is newer than any
-- the cluster made, or older than its era (Redis lost its data since) or than the room's floor (the
-- log dropped messages after it), or more than ARGV[2] messages follow it.
-- KEYS: 1 log stream, 2 room meta hash, 3 id hash
-- ARGV: 1 the id as a stream id, 2 limit
local id = ARGV[1]
local made = redis.call('HMGET', KEYS[3], 'ms', 'n', 'era')
if not made[1] or older(made[1] .. '-' .. made[2], id) or (made[3] and older(id, made[3])) then
  return {0}
end
local floor = redis.call('HGET', KEYS[2], 'floor')
if floor and older(id, floor) then
  return {0}
end
local limit = tonumber(ARGV[2])
local out = {1}
local from = '(' .. id
while true do
  local chunk = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 100)
  if #chunk == 0 then
    return out
  end
  for _, e in ipairs(chunk) do
    if e[2][4] == 'm' then
      if (#out - 1) / 2 >= limit then
        return {0}
      end
      out[#out + 1] = e[1]
      out[#out + 1] = e[2][6]
    end
  end
  from = '(' .. chunk[#chunk][1]
end
