package io.botdelivery.limiter.local;

import io.botdelivery.core.ratelimit.GrantLog;
import io.botdelivery.core.ratelimit.WindowRule;
import io.botdelivery.core.spi.Budget;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * An in-process {@link RateLimiter}: every scope (the standard lane, the paid-broadcast lane, each chat) keeps the time
 * stamps of its last window's messages in a {@link GrantLog} and admits a request where it fits the budget window
 * exactly and the smoothing window ({@link WindowRule}); time from the injected {@link Clock}. Thread-safe; a
 * reservation locks its chat's map bin and then its lane, never the other way round.
 *
 * <p>Memory stays bounded: a chat's state is its stamps of the last window (8 bytes a message) and its pause; once both
 * are past, the state is exactly that of a chat never seen, so it is dropped. Sweeps run on the calling thread when the
 * number of tracked chats has doubled since the last sweep, or when {@link LocalRateLimiterConfig#sweepPeriod()} has
 * passed.
 *
 * <p>The limiter does not coordinate with other processes: give each of N uncoordinated instances
 * {@link RateBudgets#share(int)} of the budgets, or use a shared limiter.
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRateLimiter.class);
    private static final long MIN_SWEEP_SIZE = 4096;
    /** Caps horizons and penalties so absurd durations cannot overflow the arithmetic: ten years. */
    private static final long MAX_NANOS = 10L * 366 * 24 * 3600 * 1_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE / 4;

    private final Clock clock;
    private final WindowRule privateChats;
    private final WindowRule groupChats;
    private final Lane standardLane;
    private final Lane paidLane;
    private final long sweepPeriodNanos;

    private final ConcurrentHashMap<Long, Chat> chats = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile long sweepAtSize = MIN_SWEEP_SIZE;
    private volatile long sweepAtTime = Long.MIN_VALUE;

    public LocalRateLimiter(LocalRateLimiterConfig config, Clock clock) {
        Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        RateBudgets budgets = config.budgets();
        this.privateChats = rule(budgets.privateChat());
        this.groupChats = rule(budgets.groupChat());
        this.standardLane = new Lane(rule(budgets.global()));
        this.paidLane = new Lane(rule(budgets.paidBroadcast()));
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
        Attempt attempt = new Attempt(request, now, now + capped(horizon));
        chats.compute(request.chatId(), attempt);
        if (attempt.granted) {
            sweepIfDue(now);
        }
        return attempt.result;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Takes the grant's stamps out of its lane and its chat (those still held: a stamp past its window is gone
     * already), under the same locks as {@link #reserve}, in the same order.
     */
    @Override
    public boolean release(RateRequest request, Reservation.Granted grant) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(grant, "grant");
        long slot = grant.stamp();
        if (slot == Reservation.Granted.NO_STAMP) {
            return false;
        }
        Lane lane = request.paidBroadcast() ? paidLane : standardLane;
        chats.compute(request.chatId(), (chatId, chat) -> {
            synchronized (lane) {
                lane.log.remove(slot, request.weight());
                if (chat != null) {
                    chat.log.remove(slot, request.weight());
                }
            }
            return chat;
        });
        // stamps already pruned (older than their window) count nowhere either
        return true;
    }

    @Override
    public void penalize(LimitScope scope, Duration duration) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        long now = nowNanos();
        long until = now + capped(duration);
        if (scope.isGlobal()) {
            standardLane.pauseUntil(until);
            paidLane.pauseUntil(until);
            LOG.debug("bot-wide sends paused for {}", duration);
        } else {
            chats.compute(scope.chatId(), (chatId, chat) -> {
                Chat state = chat == null ? newChat(chatId) : chat;
                state.pausedUntil = Math.max(state.pausedUntil, until);
                return state;
            });
            // a storm of 429s across many chats adds entries too
            sweepIfDue(now);
        }
    }

    @Override
    public Duration globalPause() {
        long until = standardLane.pausedUntil();
        long now = nowNanos();
        return until > now ? Duration.ofNanos(until - now) : Duration.ZERO;
    }

    /** Chats whose state is held right now (idle ones not yet swept included). For tests and metrics. */
    long trackedChats() {
        return chats.mappingCount();
    }

    private static WindowRule rule(Budget budget) {
        return WindowRule.of(budget, TimeUnit.NANOSECONDS);
    }

    private static long capped(Duration duration) {
        return duration.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : duration.toNanos();
    }

    private Chat newChat(long chatId) {
        WindowRule rule = chatId < 0 ? groupChats : privateChats;
        // a private chat holds one or two stamps; a group up to its permits
        return new Chat(new GrantLog(rule, Math.min(rule.permits() + 1, 8)));
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void sweepIfDue(long now) {
        if (chats.mappingCount() >= sweepAtSize || now >= sweepAtTime) {
            sweep(now);
        }
    }

    /**
     * Drops the chats whose stamps and pause have all passed, each under its bin's lock, so a chat updated meanwhile
     * is tested as it is now.
     */
    private void sweep(long now) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            long before = chats.mappingCount();
            for (Long chatId : chats.keySet()) {
                chats.computeIfPresent(chatId, (id, chat) -> chat.isIdle(now) ? null : chat);
            }
            long after = chats.mappingCount();
            sweepAtSize = Math.max(MIN_SWEEP_SIZE, 2 * after);
            sweepAtTime = now + sweepPeriodNanos;
            LOG.trace("swept idle chat state: {} -> {} entries", before, after);
        } finally {
            sweeping.set(false);
        }
    }

    /** A chat's state; read and written only under its map bin's lock. */
    private static final class Chat {
        final GrantLog log;
        long pausedUntil = NEVER;

        Chat(GrantLog log) {
            this.log = log;
        }

        boolean isIdle(long now) {
            return pausedUntil <= now && log.isIdle(now);
        }
    }

    /** A bot-wide lane; its log and pause are guarded by the lane's own monitor. */
    private static final class Lane {
        final GrantLog log;
        private long pausedUntil = NEVER;

        Lane(WindowRule rule) {
            // grows with use: a lane at 30/s holds about 30 stamps, one at 1000/s about 1000
            this.log = new GrantLog(rule, Math.min(rule.permits(), 1024));
        }

        synchronized void pauseUntil(long until) {
            // a shorter pause never shortens a longer one
            pausedUntil = Math.max(pausedUntil, until);
        }

        synchronized long pausedUntil() {
            return pausedUntil;
        }
    }

    /**
     * One reservation, run by {@link ConcurrentHashMap#compute} while the chat's bin is locked: the chat cannot change
     * underneath, so booking the lane and then the chat is all-or-nothing.
     */
    private final class Attempt implements BiFunction<Long, Chat, Chat> {
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
        public Chat apply(Long chatId, Chat current) {
            Chat chat = current == null ? newChat(chatId) : current;
            int weight = request.weight();
            long chatFrom = Math.max(now, chat.pausedUntil);
            Lane lane = request.paidBroadcast() ? paidLane : standardLane;
            synchronized (lane) {
                long laneFrom = Math.max(now, lane.pausedUntil);
                long slot = earliestForBoth(chat.log, lane.log, Math.max(chatFrom, laneFrom), weight);
                if (slot <= limit) {
                    lane.log.add(slot, weight);
                    chat.log.add(slot, weight);
                    granted = true;
                    result = Reservation.granted(Duration.ofNanos(slot - now), slot);
                    return chat;
                }
                result = Reservation.denied(Duration.ofNanos(slot - limit),
                        deniedBy(chat.log.earliest(now, chatFrom, weight), lane, laneFrom, chatId, weight));
                return current;
            }
        }

        /**
         * The earliest slot both scopes admit: each answer is the earliest its scope admits at or after the other's,
         * so the two meet at the first slot both allow (past every stamp, both always do).
         */
        private long earliestForBoth(GrantLog chat, GrantLog lane, long from, int weight) {
            long slot = from;
            while (true) {
                long chatSlot = chat.earliest(now, slot, weight);
                long laneSlot = lane.earliest(now, chatSlot, weight);
                if (laneSlot == chatSlot) {
                    return laneSlot;
                }
                slot = laneSlot;
            }
        }

        /** The scope whose own earliest slot is later; the lane when the chat alone would fit the horizon. */
        private LimitScope deniedBy(long chatAlone, Lane lane, long laneFrom, long chatId, int weight) {
            if (chatAlone <= limit) {
                return LimitScope.global();
            }
            long laneAlone = lane.log.earliest(now, laneFrom, weight);
            return laneAlone > chatAlone ? LimitScope.global() : LimitScope.chat(chatId);
        }
    }
}
