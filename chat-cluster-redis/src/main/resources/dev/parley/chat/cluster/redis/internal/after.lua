-- The messages after a message id, if the log still holds that message (and so everything after
-- it): {1, then (id, payload) oldest first}; {0} if it cannot vouch (the id is not in the log, or
-- more than ARGV[2] messages follow it).
-- KEYS: 1 log stream
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return {0}
end
local limit = tonumber(ARGV[2])
local out = {1}
local from = '(' .. ARGV[1]
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
