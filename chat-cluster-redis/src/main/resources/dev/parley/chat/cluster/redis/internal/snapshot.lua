-- Rooms' positions and newest messages, with the changes (e) ordered since the oldest of them, each read atomically (and all at once, so that a burst of
-- follows costs one call per batch, not one per room): for each room, a list {seq, epoch, last
-- message id, id of the log's newest entry, then (id, seq, payload) of up to its ARGV messages,
-- newest first}.
-- KEYS: per room, its meta hash then its log stream. ARGV: per room, how many messages.
local function snapshot(metaKey, logKey, want)
  local meta = redis.call('HMGET', metaKey, 'seq', 'epoch', 'last')
  local head = redis.call('XREVRANGE', logKey, '+', '-', 'COUNT', 1)
  local out = {tonumber(meta[1]) or 0, meta[2] or '', meta[3] or '', head[1] and head[1][1] or '0-0'}
  local found = 0
  local top = '+'
  while found < want do
    local chunk = redis.call('XREVRANGE', logKey, top, '-', 'COUNT', 100)
    if #chunk == 0 then
      break
    end
    for _, e in ipairs(chunk) do
      -- fields: s, seq, t, kind, p, payload
      if (e[2][4] == 'm' or e[2][4] == 'e') and found < want then
        out[#out + 1] = e[1]
        out[#out + 1] = tonumber(e[2][2])
        out[#out + 1] = e[2][6]
        if e[2][4] == 'm' then
          found = found + 1
        end
      end
    end
    top = '(' .. chunk[#chunk][1]
  end
  return out
end

local all = {}
for i = 1, #ARGV do
  all[i] = snapshot(KEYS[2 * i - 1], KEYS[2 * i], tonumber(ARGV[i]))
end
return all
