-- A room's position and newest messages, read atomically: {seq, epoch, last message id, id of the
-- log's newest entry, then (id, seq, payload) of up to ARGV[1] messages, newest first}.
-- KEYS: 1 room meta hash, 2 log stream
local meta = redis.call('HMGET', KEYS[1], 'seq', 'epoch', 'last')
local head = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local out = {tonumber(meta[1]) or 0, meta[2] or '', meta[3] or '', head[1] and head[1][1] or '0-0'}
local want = tonumber(ARGV[1])
local found = 0
local top = '+'
while found < want do
  local chunk = redis.call('XREVRANGE', KEYS[2], top, '-', 'COUNT', 100)
  if #chunk == 0 then
    break
  end
  for _, e in ipairs(chunk) do
    -- fields: s, seq, t, kind, p, payload
    if e[2][4] == 'm' and found < want then
      out[#out + 1] = e[1]
      out[#out + 1] = tonumber(e[2][2])
      out[#out + 1] = e[2][6]
      found = found + 1
    end
  end
  top = '(' .. chunk[#chunk][1]
end
return out
