-- bot-delivery RedisRateLimiter: every decision of every instance, in one atomic call.
--
-- Each scope admits by exact sliding windows, as limiter-local does (io.botdelivery.core.ratelimit.GrantLog, the Java
-- copy of this arithmetic; both run the same table of cases): a scope with permits P per window W, burst B and
-- interval I = ceil(W / P) keeps the time stamp of every message of its last window (and of its future grants), and
-- admits w messages at s when every window (a, a + W] containing s holds at most P - min(w, P) stamps (the budget
-- window) and every window (a, a + B*I] containing s at most B - min(w, B) (the smoothing window). A weight above P
-- counts its items a window apart (P at s, the next P at s + W, ...): it goes alone once the whole budget is back.
--
-- For a slot s with p stamps at or before it (u[1..p]) that is three tests per window: s >= u[p - room] + W (the room+1
-- stamps before), s <= u[p + room + 1] - W (the room+1 after), and no room+1 consecutive stamps straddling s spanning
-- less than W. At the end of the line only the first applies, by rank, in O(log n): the common case loads nothing.
--
-- Keys: the lane's state (pause until, member sequence: 2 doubles packed in a string), the lane's stamps (a sorted
-- set, score = stamp, member = a sequence number), the chat's state (pause until, then its stamps: doubles packed in a
-- string). Stamps older than the longer window are dropped; every key expires once it means nothing any more.
-- Times are microseconds since the epoch (exact in a double).
--
-- ARGV[1] 'r' reserve, 'c' penalize a chat, 'g' penalize every lane, 'p' how long the bot-wide pause still holds,
--         't' time (a probe that proves the script is loaded)
-- ARGV[2] now in microseconds, or '' for the Redis server's TIME (one clock for every instance)
-- reserve   KEYS lane, lane's sorted set, chat; ARGV[3] weight (at most 10,000), [4..7] lane W, P, B, I, [8..11] chat W, P, B, I,
--           [12] horizon, [13] not-before offset from now, [14] extra TTL in ms
--           -> {1, delay, 0, now} granted; {0, retry-in, scope (0 lane, 1 chat), now} denied
-- penalize a chat   KEYS chat; ARGV[3] duration, [4] the chat's retention (the longer window), [5] extra TTL
--                   -> {1, 0, 0, now}
-- penalize globally KEYS standard lane, paid lane; ARGV[3] duration, [4] extra TTL -> {1, 0, 0, now}
-- pause left       KEYS standard lane -> {1, microseconds the bot-wide pause still holds (0 if none), 0, now}
-- release   KEYS lane, lane's sorted set, chat; ARGV[3] the grant's slot, [4] its weight, [5] lane W, [6] lane P,
--           [7] chat W, [8] chat P -> {1, stamps taken back from the lane, 0, now}
--           (a grant whose send did not leave: its stamps, one per counted message where 'r' put them, leave both
--           scopes; the lane's full run is kept, since it then errs only towards later slots)

local now
if ARGV[2] == '' then
    local time = redis.call('TIME')
    now = tonumber(time[1]) * 1000000 + tonumber(time[2])
else
    now = tonumber(ARGV[2])
end
local op = ARGV[1]

if op == 't' then
    return {1, 0, 0, now}
end

local LANE = 'dd'

-- A lane's state: its pause, its member sequence, and a run of time [fullFrom, fullUntil) known to admit not even one
-- message. Why the run: when the lane is booked ahead (every instance reserving up to its horizon), a request starts
-- before the last stamp, and finding its slot loads the lane's whole last window (a thousand stamps on the paid lane:
-- about 0.7 ms of Redis CPU per decision, measured). A slot's admissibility only ever shrinks (stamps are added; the
-- ones dropped are too old for any window holding a slot from now on), so a run found full stays full, and a request
-- that starts in it starts at its end, at the end of the line, in O(log n). State written by a version without the run
-- (16 bytes) reads as no run.
local function unpackLane(raw)
    if not raw then
        return 0, 0, 0, 0
    end
    if #raw >= 32 then
        local pause, seq, fullFrom, fullUntil = struct.unpack('dddd', raw)
        return pause, seq, fullFrom, fullUntil
    end
    local pause, seq = struct.unpack(LANE, raw)
    return pause, seq, 0, 0
end

local function packLane(pause, seq, fullFrom, fullUntil)
    return struct.pack('dddd', pause, seq, fullFrom, fullUntil)
end

-- a chat's state: its pause, then its stamps, oldest first
local function unpackChat(raw)
    local stamps = {}
    if not raw then
        return 0, stamps
    end
    local pause = struct.unpack('d', raw)
    for at = 9, #raw, 8 do
        stamps[#stamps + 1] = struct.unpack('d', raw, at)
    end
    return pause, stamps
end

local function packChat(pause, stamps)
    local parts = {struct.pack('d', pause)}
    for i = 1, #stamps do
        parts[#parts + 1] = struct.pack('d', stamps[i])
    end
    return table.concat(parts)
end

local function ttlMillis(untilMicros, extraTtl)
    return math.max(1, math.ceil((untilMicros - now) / 1000) + 1 + extraTtl)
end

if op == 'p' then
    local raw = redis.call('GET', KEYS[1])
    local p = 0
    if raw then
        p = struct.unpack(LANE, raw)
    end
    return {1, math.max(0, p - now), 0, now}
end

if op == 'c' then
    local pauseUntil, retention, extraTtl = now + tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
    local pause, stamps = unpackChat(redis.call('GET', KEYS[1]))
    -- a shorter penalty never shortens a longer one in force
    pause = math.max(pause, pauseUntil)
    local last = stamps[#stamps] or 0
    redis.call('SET', KEYS[1], packChat(pause, stamps), 'PX', ttlMillis(math.max(pause, last + retention), extraTtl))
    return {1, 0, 0, now}
end

if op == 'g' then
    local pauseUntil = now + tonumber(ARGV[3])
    local extraTtl = tonumber(ARGV[4])
    for i = 1, 2 do
        local p, q, fullFrom, fullUntil = unpackLane(redis.call('GET', KEYS[i]))
        p = math.max(p, pauseUntil)
        -- the state outlives the lane's stamps (its sequence numbers must not be reused while they exist)
        local ttl = math.max(ttlMillis(p, extraTtl), redis.call('PTTL', KEYS[i]))
        redis.call('SET', KEYS[i], packLane(p, q, fullFrom, fullUntil), 'PX', ttl)
    end
    return {1, 0, 0, now}
end

if op == 'x' then
    local slot, weight = tonumber(ARGV[3]), tonumber(ARGV[4])
    local laneW, laneP, chatW, chatP = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
    -- the lane: 'r' put item i at slot + floor(i / P) * W; any stamps at that exact time are alike for every window
    local removed = 0
    local i = 0
    while i < weight do
        local at = slot + math.floor(i / laneP) * laneW
        local n = math.min(weight - i, laneP - i % laneP)
        local score = string.format('%.0f', at)
        local members = redis.call('ZRANGEBYSCORE', KEYS[2], score, score, 'LIMIT', 0, n)
        if #members > 0 then
            removed = removed + redis.call('ZREM', KEYS[2], unpack(members))
        end
        i = i + n
    end
    local raw = redis.call('GET', KEYS[3])
    if raw then
        local chatPause, stamps = unpackChat(raw)
        for k = 0, weight - 1 do
            local at = slot + math.floor(k / chatP) * chatW
            for j = #stamps, 1, -1 do
                if stamps[j] == at then
                    table.remove(stamps, j)
                    break
                end
            end
        end
        local ttl = redis.call('PTTL', KEYS[3])
        if ttl > 0 then
            redis.call('SET', KEYS[3], packChat(chatPause, stamps), 'PX', ttl)
        end
    end
    return {1, removed, 0, now}
end

if op ~= 'r' then
    return redis.error_reply('bot-delivery limiter script: unknown operation ' .. tostring(op))
end

local weight = tonumber(ARGV[3])
local laneW, laneP, laneB, laneI = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local chatW, chatP, chatB, chatI = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local limit = now + tonumber(ARGV[12])
local notBefore = now + tonumber(ARGV[13])
local extraTtl = tonumber(ARGV[14])
local laneL, chatL = laneB * laneI, chatB * chatI
local laneR, chatR = math.max(laneW, laneL), math.max(chatW, chatL)
local laneRoom, laneSroom = laneP - math.min(weight, laneP), laneB - math.min(weight, laneB)
local chatRoom, chatSroom = chatP - math.min(weight, chatP), chatB - math.min(weight, chatB)

-- whether no room+1 consecutive stamps around position p span less than len
local function noTightStraddle(u, n, p, room, len)
    local j = math.max(1, p - room + 1)
    while j <= p and j + room <= n do
        if u[j + room] - u[j] < len then
            return false
        end
        j = j + 1
    end
    return true
end

-- the earliest slot at or after start where the stamps u[1..n] leave room in both windows
local function earliestIn(u, n, start, W, room, L, sroom)
    local lo, hi = 0, n
    while lo < hi do
        local mid = math.floor((lo + hi) / 2)
        if u[mid + 1] <= start then
            lo = mid + 1
        else
            hi = mid
        end
    end
    local p = lo
    while true do
        local first = start
        if p > 0 and u[p] > first then
            first = u[p]
        end
        local last = math.huge
        if p < n then
            last = u[p + 1] - 1
        end
        if p - room >= 1 then
            first = math.max(first, u[p - room] + W)
        end
        if p - sroom >= 1 then
            first = math.max(first, u[p - sroom] + L)
        end
        if p + room + 1 <= n then
            last = math.min(last, u[p + room + 1] - W)
        end
        if p + sroom + 1 <= n then
            last = math.min(last, u[p + sroom + 1] - L)
        end
        if first <= last and noTightStraddle(u, n, p, room, W) and noTightStraddle(u, n, p, sroom, L) then
            return first
        end
        p = p + 1
    end
end

local pause, seq, fullFrom, fullUntil = unpackLane(redis.call('GET', KEYS[1]))
local chatPause, chatStamps = unpackChat(redis.call('GET', KEYS[3]))
-- stamps a whole window (of either kind) old are in no window that holds a slot from now on
while #chatStamps > 0 and chatStamps[1] <= now - chatR do
    table.remove(chatStamps, 1)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - laneR)

local laneFrom = math.max(now, pause, notBefore)
local chatFrom = math.max(now, chatPause, notBefore)

-- the lane: by rank at the end of the line, else over its stamps from laneFrom - laneR on (older ones cannot matter)
local lastStamp = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
lastStamp = lastStamp and tonumber(lastStamp) or nil
local laneStamps, laneCount
local function rankedStamp(fromEnd)
    local got = redis.call('ZRANGE', KEYS[2], -fromEnd, -fromEnd, 'WITHSCORES')[2]
    return got and tonumber(got) or nil
end
local function laneEarliestFrom(start)
    if start >= fullFrom and start < fullUntil then
        -- admits not one message: none of any weight
        start = fullUntil
    end
    if lastStamp == nil or start >= lastStamp then
        local slot = start
        local before = rankedStamp(laneRoom + 1)
        if before then
            slot = math.max(slot, before + laneW)
        end
        before = rankedStamp(laneSroom + 1)
        if before then
            slot = math.max(slot, before + laneL)
        end
        return slot
    end
    if laneStamps == nil then
        local raw = redis.call('ZRANGEBYSCORE', KEYS[2], string.format('(%.0f', laneFrom - laneR), '+inf',
            'WITHSCORES')
        laneStamps = {}
        for i = 2, #raw, 2 do
            laneStamps[#laneStamps + 1] = tonumber(raw[i])
        end
        laneCount = #laneStamps
    end
    return earliestIn(laneStamps, laneCount, start, laneW, laneRoom, laneL, laneSroom)
end

-- [laneRunFrom, laneRunUntil): where the lane's searches found no room for this request's weight, one search after the
-- other as long as each began where the last one ended (the chat admitted the lane's answer)
local laneRunFrom, laneRunUntil
local function laneEarliest(start)
    local answer = laneEarliestFrom(start)
    if laneRunUntil ~= nil and start == laneRunUntil then
        laneRunUntil = answer
    else
        laneRunFrom, laneRunUntil = start, answer
    end
    return answer
end

-- the earliest slot both admit: each answer is the earliest its scope admits at or after the other's
local slot = math.max(laneFrom, chatFrom)
while true do
    local chatSlot = earliestIn(chatStamps, #chatStamps, slot, chatW, chatRoom, chatL, chatSroom)
    local laneSlot = laneEarliest(chatSlot)
    slot = laneSlot
    if laneSlot == chatSlot then
        break
    end
end

if slot > limit then
    -- name the scope whose own earliest slot is later; the lane when the chat alone would fit the horizon
    local scope = 0
    local chatAlone = earliestIn(chatStamps, #chatStamps, chatFrom, chatW, chatRoom, chatL, chatSroom)
    if chatAlone > limit and laneEarliest(laneFrom) <= chatAlone then
        scope = 1
    end
    return {0, slot - limit, scope, now}
end

-- book: w stamps in each scope, the items beyond P a window apart
-- (in ZADDs of at most 500 stamps: unpack's arguments live on Lua's C stack, about 8,000 slots)
local args = {}
for i = 0, weight - 1 do
    seq = seq + 1
    args[#args + 1] = slot + math.floor(i / laneP) * laneW
    args[#args + 1] = seq
    if #args == 1000 or i == weight - 1 then
        redis.call('ZADD', KEYS[2], unpack(args))
        args = {}
    end
end
local laneLast = math.max(lastStamp or 0, slot + math.floor((weight - 1) / laneP) * laneW)
local laneTtl = ttlMillis(math.max(laneLast + laneR, pause), extraTtl)
-- the lane's searches found no slot for one message in [laneRunFrom, slot): a full run, joined to the known one when
-- they touch (a heavier request's search proves nothing about one message)
if weight == 1 and laneRunUntil == slot and laneRunFrom < slot then
    if laneRunFrom <= fullUntil and slot >= fullFrom then
        fullFrom, fullUntil = math.min(fullFrom, laneRunFrom), math.max(fullUntil, slot)
    else
        fullFrom, fullUntil = laneRunFrom, slot
    end
end
redis.call('SET', KEYS[1], packLane(pause, seq, fullFrom, fullUntil), 'PX', laneTtl)
redis.call('PEXPIRE', KEYS[2], laneTtl)

for i = 0, weight - 1 do
    local stamp = slot + math.floor(i / chatP) * chatW
    local at = #chatStamps + 1
    while at > 1 and chatStamps[at - 1] > stamp do
        at = at - 1
    end
    table.insert(chatStamps, at, stamp)
end
local chatLast = chatStamps[#chatStamps]
redis.call('SET', KEYS[3], packChat(chatPause, chatStamps), 'PX',
    ttlMillis(math.max(chatLast + chatR, chatPause), extraTtl))
return {1, slot - now, 0, now}
