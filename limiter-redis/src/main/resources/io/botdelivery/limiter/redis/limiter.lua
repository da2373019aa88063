-- bot-delivery RedisRateLimiter: every decision of every instance, in one atomic call.
--
-- Budgets follow GCRA (virtual scheduling), as limiter-local does: a scope with permits P per window W and burst B
-- spaces sends by I = ceil(W / (P - B + 1)) (that spacing keeps the window total, bursts included); a send of weight w
-- costs w * I and may go lead(w) = (B - min(w, P)) * I before the scope's theoretical arrival time (TAT). A negative
-- lead is a weight above the burst waiting until the whole weight fits.
--
-- A chat is one TAT (a 429 pause is folded into it). A lane (the bot-wide budget, or the paid-broadcast one) is a
-- time line: a send that waits for its chat books its lane slot in the future, and other chats' sends are fitted into
-- the gaps before it as long as the whole sequence, in time order, still conforms. The lane's state, 8 doubles packed
-- in one string value:
--   b = TAT before the first listed grant, t = TAT after all grants, n = listed grants, l = last listed slot,
--   m = latest slot booked with slack before it, f = first listed slot, p = global pause until, q = grant sequence
-- and its sorted set lists the future grants: score = slot, member = '<seq>:<weight>'. Grants whose slot has come are
-- folded into b. Only a grant after m can have a usable gap before it, so a request starting after m goes to the end of
-- the line in O(1); the full scan runs only for requests that may fill a gap. Every key expires once it means nothing
-- any more: idle chats and lanes leave nothing behind.
--
-- Times are microseconds since the epoch (exact in a double). The hot path defines no function and no table: each
-- costs an allocation per call.
--
-- ARGV[1] 'r' reserve, 'c' penalize a chat, 'g' penalize every lane, 'p' how long the bot-wide pause still holds,
--         't' time (a probe that proves the script is loaded)
-- ARGV[2] now in microseconds, or '' for the Redis server's TIME (one clock for every instance)
-- reserve   KEYS lane, lane's sorted set, chat; ARGV[3] weight, [4..6] lane I, B, P, [7..9] chat I, B, P,
--           [10] horizon, [11] not-before offset from now, [12] extra TTL in ms
--           -> {1, delay, 0, now} granted; {0, retry-in, scope (0 lane, 1 chat), now} denied
-- penalize a chat   KEYS chat; ARGV[3] duration, [4] chat I, [5] chat B, [6] extra TTL -> {1, 0, 0, now}
-- penalize globally KEYS standard lane, paid lane; ARGV[3] duration, [4] extra TTL -> {1, 0, 0, now}
-- pause left       KEYS standard lane -> {1, microseconds the bot-wide pause still holds (0 if none), 0, now}

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

local LANE = 'dddddddd'

if op == 'p' then
    local raw = redis.call('GET', KEYS[1])
    local p = 0
    if raw then
        local _
        _, _, _, _, _, _, p = struct.unpack(LANE, raw)
    end
    return {1, math.max(0, p - now), 0, now}
end

if op == 'c' then
    local interval, burst, extraTtl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
    local raw = redis.call('GET', KEYS[1])
    local tat = 0
    if raw then
        tat = struct.unpack('d', raw)
    end
    -- no send before the pause ends, not even within the burst
    local paused = math.max(tat, now + tonumber(ARGV[3]) + (burst - 1) * interval)
    redis.call('SET', KEYS[1], struct.pack('d', paused), 'PX', math.max(1, math.ceil((paused - now) / 1000) + 1 + extraTtl))
    return {1, 0, 0, now}
end

if op == 'g' then
    local pauseUntil = now + tonumber(ARGV[3])
    local extraTtl = tonumber(ARGV[4])
    for i = 1, 2 do
        local raw = redis.call('GET', KEYS[i])
        local b, t, n, l, m, f, p, q = 0, 0, 0, 0, 0, 0, 0, 0
        if raw then
            b, t, n, l, m, f, p, q = struct.unpack(LANE, raw)
        end
        -- a shorter penalty never shortens a longer one in force
        p = math.max(p, pauseUntil)
        redis.call('SET', KEYS[i], struct.pack(LANE, b, t, n, l, m, f, p, q),
            'PX', math.max(1, math.ceil((math.max(t, p) - now) / 1000) + 1 + extraTtl))
    end
    return {1, 0, 0, now}
end

if op ~= 'r' then
    return redis.error_reply('bot-delivery limiter script: unknown operation ' .. tostring(op))
end

local weight = tonumber(ARGV[3])
local laneI, laneB, laneP = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local chatI, chatB, chatP = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local limit = now + tonumber(ARGV[10])
local notBefore = now + tonumber(ARGV[11])
local extraTtl = tonumber(ARGV[12])

local state = redis.call('MGET', KEYS[1], KEYS[3])
local b, t, n, l, m, f, p, q = 0, 0, 0, 0, 0, 0, 0, 0
if state[1] then
    b, t, n, l, m, f, p, q = struct.unpack(LANE, state[1])
end
local chatTat = 0
if state[2] then
    chatTat = struct.unpack('d', state[2])
end

-- grants whose slot has come fold into b
local folded = false
if n > 0 and f <= now then
    folded = true
    local past = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'WITHSCORES')
    for i = 1, #past, 2 do
        b = math.max(b, tonumber(past[i + 1])) + tonumber(string.match(past[i], ':(%d+)$')) * laneI
    end
    if #past > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
    end
    n = redis.call('ZCARD', KEYS[2])
    if n == 0 then
        -- everything listed has passed (or expired with its TAT): the lane is its tail
        b, l, m, f = t, 0, 0, 0
    else
        f = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
    end
end

local cost = weight * laneI
local ahead = (laneB - math.min(weight, laneP)) * laneI
local chatEarliest = math.max(now, chatTat - (chatB - math.min(weight, chatP)) * chatI)

-- The slow path, defined only when grants are listed: the earliest slot at or after 'from' where the send fits among
-- them. Returns slot, gap (0-based: listed grants before it), whether it leaves slack before it, and the listed grants.
local scan, tailWith
if n > 0 then
scan = function(from)
    local start = math.max(from, now, p)
    local raw = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
    local times, weights = {}, {}
    for i = 1, #raw, 2 do
        weights[#weights + 1] = tonumber(string.match(raw[i], ':(%d+)$'))
        times[#times + 1] = tonumber(raw[i + 1])
    end
    local count = #times
    local tatAfter, maxEnter = {}, {}
    local tat = b
    for i = 1, count do
        tat = math.max(tat, times[i]) + weights[i] * laneI
        tatAfter[i] = tat
    end
    -- maxEnter[i]: the latest TAT entering grant i with which grant i and all after it still conform
    local exitLimit = math.huge
    for i = count, 1, -1 do
        local wi = weights[i]
        exitLimit = math.min(times[i] + (laneB - math.min(wi, laneP)) * laneI, math.max(times[i], exitLimit - wi * laneI))
        maxEnter[i] = exitLimit
    end
    local gap = 0
    while gap < count and times[gap + 1] < start do
        gap = gap + 1
    end
    while true do
        local entering = b
        if gap > 0 then
            entering = tatAfter[gap]
        end
        local lo = math.max(start, entering - ahead)
        if gap > 0 then
            lo = math.max(lo, times[gap])
        end
        if gap == count then
            return lo, gap, lo > entering - ahead, times, weights
        end
        local latestExit = maxEnter[gap + 1]
        if entering + cost <= latestExit and lo <= math.min(times[gap + 1], latestExit - cost) then
            return lo, gap, true, times, weights
        end
        gap = gap + 1
    end
end
end

-- the lane's earliest slot for this request: O(1) unless a gap may be filled
local start = math.max(chatEarliest, notBefore, p)
local slot, gap, slack, times, weights
if n == 0 then
    slot = math.max(start, b - ahead)
    gap, slack = 0, slot > b - ahead
elseif start > m then
    slot = math.max(start, t - ahead, l)
    gap, slack = n, slot > t - ahead
else
    slot, gap, slack, times, weights = scan(start)
end

if slot > limit then
    -- name the scope whose own earliest slot is later; the lane when the chat alone would fit the horizon
    local scope = 0
    if chatEarliest > limit then
        local alone
        if n == 0 then
            alone = math.max(now, p, b - ahead)
        elseif math.max(now, p) > m then
            alone = math.max(now, p, t - ahead, l)
        else
            alone = scan(now)
        end
        if alone <= chatEarliest then
            scope = 1
        end
    end
    if folded then
        -- the grants just folded are gone from the sorted set: their sum must be kept (it changes no decision)
        redis.call('SET', KEYS[1], struct.pack(LANE, b, t, n, l, m, f, p, q), 'KEEPTTL')
    end
    return {0, slot - limit, scope, now}
end

-- the TAT after every grant with this one inserted at gap 'at' (the listed grants as the scan loaded them)
if n > 0 then
tailWith = function(at)
    if times == nil then
        local _
        _, _, _, times, weights = scan(now)
    end
    local tat = b
    for i = 1, #times + 1 do
        local s, wi
        if i <= at then
            s, wi = times[i], weights[i]
        elseif i == at + 1 then
            s, wi = slot, weight
        else
            s, wi = times[i - 1], weights[i - 1]
        end
        tat = math.max(tat, s) + wi * laneI
    end
    return tat
end
end

if gap == 0 and slot <= now then
    -- its time has come: straight into the folded part
    if n == 0 then
        b = math.max(b, slot) + cost
        t = b
    else
        t = tailWith(0)
        b = math.max(b, slot) + cost
    end
else
    if gap == n then
        t = math.max(t, slot) + cost
    else
        t = tailWith(gap)
    end
    q = q + 1
    redis.call('ZADD', KEYS[2], slot, q .. ':' .. weight)
    if n == 0 or slot < f then
        f = slot
    end
    n = n + 1
    l = math.max(l, slot)
    if slack then
        m = math.max(m, slot)
    end
end

local laneTtl = math.max(1, math.ceil((math.max(t, p) - now) / 1000) + 1 + extraTtl)
redis.call('SET', KEYS[1], struct.pack(LANE, b, t, n, l, m, f, p, q), 'PX', laneTtl)
if n > 0 then
    redis.call('PEXPIRE', KEYS[2], laneTtl)
end
local newChatTat = math.max(chatTat, slot) + weight * chatI
redis.call('SET', KEYS[3], struct.pack('d', newChatTat), 'PX', math.max(1, math.ceil((newChatTat - now) / 1000) + 1 + extraTtl))
return {1, slot - now, 0, now}
