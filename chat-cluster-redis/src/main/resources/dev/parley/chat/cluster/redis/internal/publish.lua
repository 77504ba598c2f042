-- Appends one entry to a room's order (after id.lua): a cluster-wide id, the room's next sequence
-- number, the entry in the room's log stream under that id, and a PUBLISH of
-- "seq:epoch:id:payload" on the room's channel; all in one atomic step, so that the channel's order
-- is the log's order. Returns {ms, n, seq, epoch, last}: last is, for a clear, the stream id of the
-- room's newest message ordered before it ('' if none), which says where the clear falls.
-- A change (kind e: an edit or a deletion) moves its message to the end of the order: the list then
-- names the message by the change's id (its place), and the changes hash maps the message's id to
-- its place ('d:' in front once deleted) and the place back to the message's id. A change of a
-- message the list does not hold (older than the log, or unknown), or of a deleted one, is refused
-- before anything is written: {ms, n, -1, '', 'old'|'unknown'|'deleted'}.
-- KEYS: 1 id hash, 2 room meta hash {seq, epoch, born, last, floor, cleared}, 3 log stream, 4 list of
--       the log's messages by place (oldest first), 5 rooms set, 6 room users hash, 7 changes hash
-- ARGV: 1 kind (m message, p presence, c history cleared, e change), 2 payload, 3 log size (messages
--       kept), 4 channel, 5 room name, 6 the changed message's stream id (e), 7 '1' for a deletion (e)
local id = string.format('%d-%d', ms, n)
local oldPlace
if ARGV[1] == 'e' then
  local current = redis.call('HGET', KEYS[7], ARGV[6])
  if current and string.sub(current, 1, 2) == 'd:' then
    return {ms, n, -1, '', 'deleted'}
  end
  oldPlace = current or ARGV[6]
  if not redis.call('LPOS', KEYS[4], oldPlace) then
    local oldest = redis.call('LINDEX', KEYS[4], 0)
    if oldest and older(ARGV[6], oldest) then
      return {ms, n, -1, '', 'old'}
    end
    return {ms, n, -1, '', 'unknown'}
  end
end
-- Drops the oldest place from the list, and the change it names from the changes hash.
local function popOldest()
  local place = redis.call('LPOP', KEYS[4])
  local changed = redis.call('HGET', KEYS[7], place)
  if changed then
    redis.call('HDEL', KEYS[7], place, changed)
  end
  return place
end

-- A new epoch whenever the room's meta is new (first use, or Redis lost it): followers holding
-- another epoch know that what they hold is not this log's past.
-- The id hash names every room that ever had an entry (b:<room>), so that a meta made anew tells a
-- room Redis lost (evicted its keys but not the id hash) from a new one. Only the id hash can: a
-- key of its own could be lost alone, and if the id hash is lost, its new era refuses older ids.
-- A lost room's log answers only from its new epoch's first entry on (born): what came before is
-- lost, so after.lua answers no recovery from before it.
local before = redis.call('HMGET', KEYS[2], 'epoch', 'seq', 'last', 'cleared')
local known = redis.call('HSETNX', KEYS[1], 'b:' .. ARGV[5], 1) == 0
local epoch = before[1]
if not epoch then
  epoch = t[1] .. string.format('%06d', tonumber(t[2]))
  redis.call('HSET', KEYS[2], 'epoch', epoch)
  if known then
    redis.call('HSET', KEYS[2], 'born', id)
  end
end
-- The log lost messages that the meta still names (Redis evicted the stream, or the list that
-- trimming keeps, but not the meta) unless a clear removed them: the log answers only from the
-- newest of them on, as if it had dropped them all.
local prevLast = before[3]
local lostLog = tonumber(before[2] or '0') > 0 and redis.call('EXISTS', KEYS[3]) == 0
local function forgetBefore(newest)
  if newest and not (before[4] and older(newest, before[4])) then
    redis.call('HSET', KEYS[2], 'floor', newest)
  end
end
if lostLog then
  forgetBefore(prevLast)
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local kind = ARGV[1]
local logSize = tonumber(ARGV[3])
local last = ''
if kind == 'c' then
  last = prevLast or ''
  redis.call('HSET', KEYS[2], 'cleared', id)
  -- What went before a clear is gone, not missed: the log answers for older ids again.
  redis.call('HDEL', KEYS[2], 'floor')
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[7])
  if redis.call('HLEN', KEYS[6]) == 0 then
    redis.call('SREM', KEYS[5], ARGV[5])
  end
end
-- The hard cap bounds a room whose log is mostly presence; messages are trimmed below by MINID.
-- The meta's floor is the newest message the log dropped: it answers for ids from there on.
local cap = logSize * 4 + 100
redis.call('XADD', KEYS[3], 'MAXLEN', '~', cap, id, 's', seq, 't', kind, 'p', ARGV[2])
if kind == 'm' then
  redis.call('HSET', KEYS[2], 'last', id)
  redis.call('SADD', KEYS[5], ARGV[5])
  local listed = redis.call('RPUSH', KEYS[4], id)
  if listed == 1 then
    -- The list was empty: the room's first message, the first since a clear, or the list was lost.
    forgetBefore(prevLast)
  end
  if listed > logSize then
    redis.call('HSET', KEYS[2], 'floor', popOldest())
    redis.call('XTRIM', KEYS[3], 'MINID', '~', redis.call('LINDEX', KEYS[4], 0))
  end
end
if kind == 'e' then
  redis.call('LREM', KEYS[4], 1, oldPlace)
  if oldPlace ~= ARGV[6] then
    redis.call('HDEL', KEYS[7], oldPlace)
  end
  redis.call('RPUSH', KEYS[4], id)
  redis.call('HSET', KEYS[7], ARGV[6], (ARGV[7] == '1' and 'd:' or '') .. id, id, ARGV[6])
end
if redis.call('XLEN', KEYS[3]) >= cap then
  -- The cap may have dropped messages the list still names.
  local first = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', 1)[1][1]
  local oldest = redis.call('LINDEX', KEYS[4], 0)
  while oldest and older(oldest, first) do
    redis.call('HSET', KEYS[2], 'floor', popOldest())
    oldest = redis.call('LINDEX', KEYS[4], 0)
  end
end
redis.call('PUBLISH', ARGV[4], seq .. ':' .. epoch .. ':' .. id .. ':' .. ARGV[2])
return {ms, n, seq, epoch, last}
