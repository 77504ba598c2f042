-- Sends an inbox message to every other node holding a claim of a user, once per node. Returns how
-- many of the user's connections are on nodes that received it.
-- KEYS: 1 user hash {conn -> node:s|x}
-- ARGV: 1 this node, 2 inbox channel prefix, 3 payload
local all = redis.call('HVALS', KEYS[1])
local per, order = {}, {}
for _, v in ipairs(all) do
  local node = string.sub(v, 1, string.find(v, ':', 1, true) - 1)
  if node ~= ARGV[1] then
    if not per[node] then
      per[node] = 0
      order[#order + 1] = node
    end
    per[node] = per[node] + 1
  end
end
local count = 0
for _, node in ipairs(order) do
  if redis.call('PUBLISH', ARGV[2] .. node, ARGV[3]) > 0 then
    count = count + per[node]
  end
end
return count
