package io.botdelivery.limiter.local;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * An in-process {@link RateLimiter}: one GCRA state per chat, a {@link LaneSchedule} per bot-wide lane (standard and
 * paid broadcast), time from the injected {@link Clock}. Thread-safe; a reservation locks its chat's map bin and then
 * its lane, never the other way round.
 *
 * <p>Memory stays bounded: a chat's state is one {@code long} (its theoretical arrival time), and once that time has
 * passed the state is exactly that of a chat never seen, so it is dropped. Sweeps run on the calling thread when the
 * number of tracked chats has doubled since the last sweep, or when {@link LocalRateLimiterConfig#sweepPeriod()} has
 * passed; a million chats that each sent once keep no more entries than the chats still inside their own interval.
 *
 * <p>The limiter does not coordinate with other processes: give each of N uncoordinated instances
 * {@link RateBudgets#share(int)} of the budgets, or use a shared limiter.
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRateLimiter.class);
    private static final long MIN_SWEEP_SIZE = 4096;

    private final Clock clock;
    private final Gcra privateChats;
    private final Gcra groupChats;
    private final LaneSchedule standardLane;
    private final LaneSchedule paidLane;
    private final long sweepPeriodNanos;

    private final ConcurrentHashMap<Long, Long> chatTats = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long sweepAtSize = MIN_SWEEP_SIZE;
    private volatile long sweepAtTime = Long.MIN_VALUE;

    public LocalRateLimiter(LocalRateLimiterConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        RateBudgets budgets = config.budgets();
        this.privateChats = new Gcra(budgets.privateChat());
        this.groupChats = new Gcra(budgets.groupChat());
        this.standardLane = new LaneSchedule(new Gcra(budgets.global()));
        this.paidLane = new LaneSchedule(new Gcra(budgets.paidBroadcast()));
        this.sweepPeriodNanos = config.sweepPeriod().toNanos();
    }

    public LocalRateLimiter(RateBudgets budgets, Clock clock) {
        this(LocalRateLimiterConfig.of(budgets), clock);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if {@code horizon} is negative
     */
    @Override
    public Reservation reserve(RateRequest request, Duration horizon) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative()) {
            throw new IllegalArgumentException("horizon must not be negative, was " + horizon);
        }
        long now = nowNanos();
        long horizonNanos = horizon.compareTo(Duration.ofNanos(Gcra.MAX_NANOS)) > 0 ? Gcra.MAX_NANOS : horizon.toNanos();
        Attempt attempt = new Attempt(request, now, now + horizonNanos);
        chatTats.compute(request.chatId(), attempt);
        if (attempt.granted) {
            sweepIfDue(now);
        }
        return attempt.result;
    }

    @Override
    public void penalize(LimitScope scope, Duration duration) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        long now = nowNanos();
        long until = now + (duration.compareTo(Duration.ofNanos(Gcra.MAX_NANOS)) > 0 ? Gcra.MAX_NANOS : duration.toNanos());
        if (scope.isGlobal()) {
            synchronized (standardLane) {
                standardLane.pauseUntil(until);
            }
            synchronized (paidLane) {
                paidLane.pauseUntil(until);
            }
            LOG.debug("bot-wide sends paused for {}", duration);
        } else {
            Gcra gcra = chatGcra(scope.chatId());
            chatTats.merge(scope.chatId(), gcra.paused(Gcra.IDLE, until), Math::max);
            // a storm of 429s across many chats adds entries too
            sweepIfDue(now);
        }
    }

    @Override
    public Duration globalPause() {
        long until;
        synchronized (standardLane) {
            until = standardLane.pausedUntil();
        }
        long now = nowNanos();
        return until > now ? Duration.ofNanos(until - now) : Duration.ZERO;
    }

    /** Chats whose state is held right now (idle ones not yet swept included). For tests and metrics. */
    long trackedChats() {
        return chatTats.mappingCount();
    }

    private Gcra chatGcra(long chatId) {
        return chatId < 0 ? groupChats : privateChats;
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void sweepIfDue(long now) {
        if (chatTats.mappingCount() >= sweepAtSize || now >= sweepAtTime) {
            sweep(now);
        }
    }

    /**
     * Drops the chats whose theoretical arrival time has passed. {@code removeIf} on the values view removes an entry
     * only if its value is still the one tested, so a chat updated meanwhile (its time moved into the future) stays.
     */
    private void sweep(long now) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            long before = chatTats.mappingCount();
            chatTats.values().removeIf(tat -> tat <= now);
            long after = chatTats.mappingCount();
            sweepAtSize = Math.max(MIN_SWEEP_SIZE, 2 * after);
            sweepAtTime = now + sweepPeriodNanos;
            LOG.trace("swept idle chat state: {} -> {} entries", before, after);
        } finally {
            sweeping.set(false);
        }
    }

    /**
     * One reservation, run by {@link ConcurrentHashMap#compute} while the chat's bin is locked: the chat cannot change
     * underneath, so booking the lane and then the chat is all-or-nothing.
     */
    private final class Attempt implements BiFunction<Long, Long, Long> {
        private final RateRequest request;
        private final long now;
        private final long limit;
        Reservation result;
        boolean granted;

        Attempt(RateRequest request, long now, long limit) {
            this.request = request;
            this.now = now;
            this.limit = limit;
        }

        @Override
        public Long apply(Long chatId, Long current) {
            Gcra chat = chatGcra(chatId);
            int weight = request.weight();
            long tat = current == null ? Gcra.IDLE : current;
            long chatEarliest = Math.max(now, chat.earliest(tat, weight));
            LaneSchedule lane = request.paidBroadcast() ? paidLane : standardLane;
            synchronized (lane) {
                long slot = lane.earliest(now, chatEarliest, weight);
                if (slot <= limit) {
                    lane.commit(slot, weight);
                    granted = true;
                    result = Reservation.granted(Duration.ofNanos(slot - now));
                    return chat.after(tat, slot, weight);
                }
                result = Reservation.denied(Duration.ofNanos(slot - limit), deniedBy(lane, chatEarliest, chatId, weight));
                return current;
            }
        }

        /** The scope whose own earliest slot is later; the lane when the chat alone would fit the horizon. */
        private LimitScope deniedBy(LaneSchedule lane, long chatEarliest, long chatId, int weight) {
            if (chatEarliest <= limit) {
                return LimitScope.global();
            }
            long laneAlone = lane.earliest(now, now, weight);
            return laneAlone > chatEarliest ? LimitScope.global() : LimitScope.chat(chatId);
        }
    }
}
