-- A room's log after a stream id, for filling a gap: {epoch, then (id, seq, kind, payload) of up to
-- ARGV[2] entries, oldest first}.
-- KEYS: 1 room meta hash, 2 log stream
local out = {redis.call('HGET', KEYS[1], 'epoch') or ''}
for _, e in ipairs(redis.call('XRANGE', KEYS[2], '(' .. ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))) do
  out[#out + 1] = e[1]
  out[#out + 1] = tonumber(e[2][2])
  out[#out + 1] = e[2][4]
  out[#out + 1] = e[2][6]
end
return out
