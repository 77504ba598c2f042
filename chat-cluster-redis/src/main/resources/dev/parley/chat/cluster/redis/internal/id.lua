-- The start of every script that makes message ids (Scripts joins it in front): the cluster's next
-- id as millis ms and counter n, the first id of the current millisecond of Redis's clock, or the
-- one after the last id if that is not greater (MessageIds.next); t is Redis's TIME. The hash's
-- era is the first id made since it was created: ids older than it are from before Redis lost its
-- data (or from another cluster), and no log can answer for them.
-- KEYS[1] the id hash {ms, n, era}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = redis.call('HMGET', KEYS[1], 'ms', 'n')
local ms, n = tonumber(last[1]) or 0, tonumber(last[2]) or -1
if now > ms then
  ms, n = now, 0
else
  n = n + 1
  if n >= 4096 then
    ms, n = ms + 1, 0
  end
end
redis.call('HSET', KEYS[1], 'ms', string.format('%d', ms), 'n', n)
if not last[1] then
  redis.call('HSET', KEYS[1], 'era', string.format('%d-%d', ms, n))
end
