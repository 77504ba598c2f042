-- Shared by the scripts that compare stream entry ids (Script joins it in front).
-- Whether stream id a ("ms-n") is older than b; numbers below 2^53 compare exactly as Lua numbers.
local function older(a, b)
  local am, an = string.match(a, '^(%d+)-(%d+)$')
  local bm, bn = string.match(b, '^(%d+)-(%d+)$')
  am, an, bm, bn = tonumber(am), tonumber(an), tonumber(bm), tonumber(bn)
  return am < bm or (am == bm and an < bn)
end
