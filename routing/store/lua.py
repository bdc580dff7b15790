"""Lua scripts of the Redis store: each read-check-write on seats runs as one atomic script.

Redis runs a script without interleaving any other command, which is what guarantees
that two controller processes never claim the same seat. A seat is a hash with the
fields site, skills ("|a|b|"), wrapup_s, state, since, last_idle, call_id, reason.
"""

from __future__ import annotations

# Helpers prepended to every script: read a seat hash, and its effective state (a wrap-up
# whose time is over counts as available, idle since the end of the wrap-up).
_COMMON = """
local function load(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return h
end
local function effective(h, now)
  local state, idle, call = h.state, h.last_idle, h.call_id or ''
  if state == 'wrap_up' then
    local ended = tonumber(h.since) + tonumber(h.wrapup_s)
    if now >= ended then
      state, idle, call = 'available', string.format('%.6f', ended), ''
    end
  end
  return state, idle, call
end
"""

# KEYS[1] the site's seat set, KEYS[2] the assignments hash.
# ARGV[1] seat key prefix, ARGV[2] call id, ARGV[3] now, ARGV[4..] skills wanted.
CLAIM = (
    _COMMON
    + """
local held = redis.call('HGET', KEYS[2], ARGV[2])
if held then return held end
local now = tonumber(ARGV[3])
local best, best_idle, best_idle_text
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = load(ARGV[1] .. id)
  if h then
    local state, idle = effective(h, now)
    if state == 'available' then
      local fits = true
      for i = 4, #ARGV do
        if not string.find(h.skills, '|' .. ARGV[i] .. '|', 1, true) then
          fits = false
          break
        end
      end
      local idle_n = tonumber(idle)
      if fits and (best == nil or idle_n < best_idle or (idle_n == best_idle and id < best)) then
        best, best_idle, best_idle_text = id, idle_n, idle
      end
    end
  end
end
if not best then return false end
redis.call('HSET', ARGV[1] .. best, 'state', 'ringing', 'since', ARGV[3],
           'last_idle', best_idle_text, 'call_id', ARGV[2], 'reason', '')
redis.call('HSET', KEYS[2], ARGV[2], best)
return best
"""
)

# KEYS[1] the seat. ARGV[1] now, ARGV[2] target state, ARGV[3] expected call ('' = any),
# ARGV[4] new call id ('' = keep), ARGV[5] reason, ARGV[6..] states allowed from.
TRANSITION = (
    _COMMON
    + """
local h = load(KEYS[1])
if not h then return false end
local state, idle, call = effective(h, tonumber(ARGV[1]))
local allowed = false
for i = 6, #ARGV do
  if ARGV[i] == state then allowed = true end
end
if not allowed then return false end
if ARGV[3] ~= '' and call ~= ARGV[3] then return false end
local to = ARGV[2]
if to == 'available' then idle = ARGV[1] end
local new_call = ''
if to == 'ringing' or to == 'on_call' then
  if ARGV[4] ~= '' then new_call = ARGV[4] else new_call = call end
end
redis.call('HSET', KEYS[1], 'state', to, 'since', ARGV[1], 'last_idle', idle,
           'call_id', new_call, 'reason', ARGV[5])
return redis.call('HGETALL', KEYS[1])
"""
)

# KEYS[1] the seat, KEYS[2] its site's seat set. ARGV[1] seat id, ARGV[2] site,
# ARGV[3] skills, ARGV[4] wrap-up seconds, ARGV[5] now, ARGV[6] site-set key prefix.
DEFINE = """
local old = redis.call('HGET', KEYS[1], 'site')
if old and old ~= ARGV[2] then redis.call('SREM', ARGV[6] .. old .. ':seats', ARGV[1]) end
redis.call('HSET', KEYS[1], 'site', ARGV[2], 'skills', ARGV[3], 'wrapup_s', ARGV[4])
redis.call('HSETNX', KEYS[1], 'state', 'offline')
redis.call('HSETNX', KEYS[1], 'since', ARGV[5])
redis.call('HSETNX', KEYS[1], 'last_idle', ARGV[5])
redis.call('HSETNX', KEYS[1], 'call_id', '')
redis.call('HSETNX', KEYS[1], 'reason', '')
redis.call('SADD', KEYS[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""

# KEYS[1] entries hash, KEYS[2] the site's queue. ARGV[1] call id, ARGV[2] enqueued at,
# ARGV[3] the entry as JSON.
ENQUEUE = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[3]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
end
return 1
"""

# KEYS[1] entries hash. ARGV[1] call id, ARGV[2] queue key prefix.
DEQUEUE = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', ARGV[2] .. cjson.decode(raw).site, ARGV[1])
return raw
"""

# KEYS[1] assignments hash. ARGV[1] call id.
RELEASE = """
local seat = redis.call('HGET', KEYS[1], ARGV[1])
if seat then redis.call('HDEL', KEYS[1], ARGV[1]) end
return seat
"""
