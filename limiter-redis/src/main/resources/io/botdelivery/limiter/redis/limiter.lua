-- bot-delivery RedisRateLimiter: every decision of every instance, in one atomic call.
--
-- Budgets follow GCRA (virtual scheduling), as limiter-local does: a scope with permits P per window W and burst B
-- spaces sends by I = ceil(W / (P - B + 1)) (that spacing keeps the window total, bursts included); a send of weight w
-- costs w * I and may go lead(w) = (B - min(w, P)) * I before the scope's theoretical arrival time (TAT). A negative
-- lead is a weight above the burst waiting until the whole weight fits.
--
-- A chat is one TAT (a 429 pause is folded into it). A lane (the bot-wide budget, or the paid-broadcast one) is a
-- time line: a send that waits for its chat books its lane slot in the future, and other chats' sends are fitted into
-- the gaps before it as long as the whole sequence, in time order, still conforms. The lane keeps
--   hash  b = TAT before the first listed grant, t = TAT after all grants, n = listed grants, f/l = first/last listed
--         slot, m = latest slot booked with slack before it, p = global pause until, q = grant sequence
--   zset  the listed future grants: score = slot, member = '<seq>:<weight>'
-- Grants whose slot has come are folded into b. Only a grant after m can have a usable gap before it, so a request
-- starting after m goes to the end of the line in O(1); the full scan runs only for requests that may fill a gap.
-- Every key expires once it means nothing any more: idle chats and lanes leave nothing behind.
--
-- Times are integer microseconds since the epoch, written with %.0f (tostring keeps only 14 digits).
--
-- ARGV[1] 'r' reserve, 'c' penalize a chat, 'g' penalize every lane, 't' time (a probe that proves the script is loaded)
-- ARGV[2] now in microseconds, or '' for the Redis server's TIME (one clock for every instance)
-- reserve   KEYS lane hash, lane zset, chat; ARGV[3] weight, [4..6] lane I, B, P, [7..9] chat I, B, P, [10] horizon,
--           [11] not-before offset from now, [12] extra TTL in ms
--           -> {1, delay, 0, now} granted; {0, retry-in, scope (0 lane, 1 chat), now} denied
-- penalize a chat   KEYS chat; ARGV[3] duration, [4] chat I, [5] chat B, [6] extra TTL -> {1, 0, 0, now}
-- penalize globally KEYS standard lane hash, paid lane hash; ARGV[3] duration, [4] extra TTL -> {1, 0, 0, now}

if redis.replicate_commands then
    -- Redis < 5 replicates whole scripts by default, which forbids writes after TIME; later versions ignore this
    redis.replicate_commands()
end

local now
if ARGV[2] == '' then
    local time = redis.call('TIME')
    now = tonumber(time[1]) * 1000000 + tonumber(time[2])
else
    now = tonumber(ARGV[2])
end

local function fmt(x)
    return string.format('%.0f', x)
end

local function ttlMillis(untilMicros, extraTtl)
    return math.max(1, math.ceil((untilMicros - now) / 1000) + 1 + extraTtl)
end

local op = ARGV[1]

if op == 't' then
    return {1, 0, 0, now}
end

if op == 'c' then
    local interval, burst = tonumber(ARGV[4]), tonumber(ARGV[5])
    local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
    -- no send before the pause ends, not even within the burst
    local paused = math.max(tat, now + tonumber(ARGV[3]) + (burst - 1) * interval)
    redis.call('SET', KEYS[1], fmt(paused), 'PX', ttlMillis(paused, tonumber(ARGV[6])))
    return {1, 0, 0, now}
end

if op == 'g' then
    local pauseUntil = now + tonumber(ARGV[3])
    local ttl = ttlMillis(pauseUntil, tonumber(ARGV[4]))
    for i = 1, 2 do
        local current = tonumber(redis.call('HGET', KEYS[i], 'p') or '0')
        if pauseUntil > current then
            -- a shorter penalty never shortens a longer one in force
            redis.call('HSET', KEYS[i], 'p', fmt(pauseUntil))
        end
        if redis.call('PTTL', KEYS[i]) < ttl then
            redis.call('PEXPIRE', KEYS[i], ttl)
        end
    end
    return {1, 0, 0, now}
end

if op ~= 'r' then
    return redis.error_reply('bot-delivery limiter script: unknown operation ' .. tostring(op))
end

local weight = tonumber(ARGV[3])
local lane = {I = tonumber(ARGV[4]), B = tonumber(ARGV[5]), P = tonumber(ARGV[6])}
local chat = {I = tonumber(ARGV[7]), B = tonumber(ARGV[8]), P = tonumber(ARGV[9])}
local limit = now + tonumber(ARGV[10])
local notBefore = now + tonumber(ARGV[11])
local extraTtl = tonumber(ARGV[12])

local function lead(rate, w)
    return (rate.B - math.min(w, rate.P)) * rate.I
end

-- the lane, with the grants whose slot has come folded into b
local state = redis.call('HMGET', KEYS[1], 'b', 't', 'n', 'l', 'm', 'f', 'p', 'q')
local L = {
    b = tonumber(state[1] or '0'), t = tonumber(state[2] or '0'), n = tonumber(state[3] or '0'),
    l = tonumber(state[4] or '0'), m = tonumber(state[5] or '0'), f = tonumber(state[6] or '0'),
    p = tonumber(state[7] or '0'), q = tonumber(state[8] or '0')
}

local function weightOf(member)
    return tonumber(string.match(member, ':(%d+)$'))
end

local folded = false
if L.n > 0 and L.f <= now then
    folded = true
    local past = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', fmt(now), 'WITHSCORES')
    for i = 1, #past, 2 do
        L.b = math.max(L.b, tonumber(past[i + 1])) + weightOf(past[i]) * lane.I
    end
    if #past > 0 then
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(now))
    end
    L.n = redis.call('ZCARD', KEYS[2])
    if L.n == 0 then
        -- everything listed has passed (or expired with its TAT): the lane is its tail
        L.b, L.l, L.m, L.f = L.t, 0, 0, 0
    else
        L.f = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
    end
end

local grants -- {times, weights}, loaded only when a gap may be filled

local function loadGrants()
    if grants == nil then
        local raw = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
        local times, weights = {}, {}
        for i = 1, #raw, 2 do
            weights[#weights + 1] = weightOf(raw[i])
            times[#times + 1] = tonumber(raw[i + 1])
        end
        grants = {times = times, weights = weights}
    end
    return grants
end

-- The earliest slot at or after 'from' where a send of w fits the lane: returns slot, gap (0-based: the number of
-- listed grants before it), and whether the slot leaves slack before it (someone may fill the gap later).
local function laneEarliest(from, w)
    local start = math.max(from, now, L.p)
    local cost, ahead = w * lane.I, lead(lane, w)
    if L.n == 0 then
        local lo = math.max(start, L.b - ahead)
        return lo, 0, lo > L.b - ahead
    end
    if start > L.m then
        local lo = math.max(start, L.t - ahead, L.l)
        return lo, L.n, lo > L.t - ahead
    end
    local g = loadGrants()
    local times, weights, n = g.times, g.weights, #g.times
    local tatAfter, maxEnter = {}, {}
    local tat = L.b
    for i = 1, n do
        tat = math.max(tat, times[i]) + weights[i] * lane.I
        tatAfter[i] = tat
    end
    -- maxEnter[i]: the latest TAT entering grant i with which grant i and all after it still conform
    local exitLimit = math.huge
    for i = n, 1, -1 do
        local wi = weights[i]
        exitLimit = math.min(times[i] + lead(lane, wi), math.max(times[i], exitLimit - wi * lane.I))
        maxEnter[i] = exitLimit
    end
    local gap = 0
    while gap < n and times[gap + 1] < start do
        gap = gap + 1
    end
    while true do
        local entering = L.b
        if gap > 0 then
            entering = tatAfter[gap]
        end
        local lo = math.max(start, entering - ahead)
        if gap > 0 then
            lo = math.max(lo, times[gap])
        end
        if gap == n then
            return lo, gap, lo > entering - ahead
        end
        local latestExit = maxEnter[gap + 1]
        if entering + cost <= latestExit and lo <= math.min(times[gap + 1], latestExit - cost) then
            return lo, gap, true
        end
        gap = gap + 1
    end
end

local function tailWith(slot, w, gap)
    local g = loadGrants()
    local tat = L.b
    for i = 1, #g.times + 1 do
        local s, wi
        if i <= gap then
            s, wi = g.times[i], g.weights[i]
        elseif i == gap + 1 then
            s, wi = slot, w
        else
            s, wi = g.times[i - 1], g.weights[i - 1]
        end
        tat = math.max(tat, s) + wi * lane.I
    end
    return tat
end

local chatTat = tonumber(redis.call('GET', KEYS[3]) or '0')
local chatEarliest = math.max(now, chatTat - lead(chat, weight))
local slot, gap, slack = laneEarliest(math.max(chatEarliest, notBefore), weight)

if slot > limit then
    -- name the scope whose own earliest slot is later; the lane when the chat alone would fit the horizon
    local scope = 0
    if chatEarliest > limit and laneEarliest(now, weight) <= chatEarliest then
        scope = 1
    end
    if folded then
        -- the grants just folded are gone from the sorted set: their sum must be kept (it changes no decision)
        redis.call('HSET', KEYS[1], 'b', fmt(L.b), 'n', L.n, 'l', fmt(L.l), 'm', fmt(L.m), 'f', fmt(L.f))
    end
    return {0, slot - limit, scope, now}
end

local cost = weight * lane.I
if gap == 0 and slot <= now then
    -- its time has come: straight into the folded part
    if L.n == 0 then
        L.b = math.max(L.b, slot) + cost
        L.t = L.b
    else
        L.t = tailWith(slot, weight, 0)
        L.b = math.max(L.b, slot) + cost
    end
else
    if gap == L.n then
        L.t = math.max(L.t, slot) + cost
    else
        L.t = tailWith(slot, weight, gap)
    end
    L.q = L.q + 1
    redis.call('ZADD', KEYS[2], fmt(slot), string.format('%d:%d', L.q, weight))
    if L.n == 0 or slot < L.f then
        L.f = slot
    end
    L.n = L.n + 1
    L.l = math.max(L.l, slot)
    if slack then
        L.m = math.max(L.m, slot)
    end
end
if L.n == 0 then
    L.t = L.b
end

local laneTtl = ttlMillis(math.max(L.t, L.p), extraTtl)
redis.call('HSET', KEYS[1], 'b', fmt(L.b), 't', fmt(L.t), 'n', L.n, 'l', fmt(L.l), 'm', fmt(L.m), 'f', fmt(L.f),
    'p', fmt(L.p), 'q', L.q)
redis.call('PEXPIRE', KEYS[1], laneTtl)
if L.n > 0 then
    redis.call('PEXPIRE', KEYS[2], laneTtl)
end

local newChatTat = math.max(chatTat, slot) + weight * chat.I
redis.call('SET', KEYS[3], fmt(newChatTat), 'PX', ttlMillis(newChatTat, extraTtl))
return {1, slot - now, 0, now}
