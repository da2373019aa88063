package io.botdelivery.core;

import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.Sender;

import java.time.Clock;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * What the engine's parts share: the ports, the clock and scheduler, the configuration, and the in-memory state
 * guarded by {@link #lock()} ({@link Holdings}, {@link ChatLanes}, {@link ReadyQueues}).
 *
 * <p><b>The engine lock.</b> One monitor guards every piece of in-memory delivery state, so that a delivery moving
 * between holdings, its lane and the ready queues is one atomic step. It is held only for in-memory work: no port (store,
 * limiter, sender, notifier) is ever called while holding it, and no task runs under it.
 */
final class EngineContext {
    private final Object lock = new Object();
    final RetryStore store;
    final RateLimiter limiter;
    final Sender sender;
    final Clock clock;
    final TaskScheduler scheduler;
    final EngineConfig config;
    final EngineMetrics metrics;
    /** Retry jitter; shared by worker threads, so every draw takes its monitor (see {@link #jitter()}). */
    private final RandomGenerator random;
    final Holdings holdings;
    final ReadyQueues ready;
    final ChatLanes lanes;
    /** Set once by close(): no new work starts; what is held is handed back. */
    private volatile boolean closing;

    EngineContext(RetryStore store, RateLimiter limiter, Sender sender, Clock clock, TaskScheduler scheduler,
                  EngineConfig config, EngineMetrics metrics, RandomGenerator random) {
        this.store = store;
        this.limiter = limiter;
        this.sender = sender;
        this.clock = clock;
        this.scheduler = scheduler;
        this.config = config;
        this.metrics = metrics;
        this.random = random;
        this.holdings = new Holdings(config.maxBuffered());
        this.ready = new ReadyQueues();
        this.lanes = new ChatLanes(ready, config.chatOrder());
    }

    Object lock() {
        return lock;
    }

    String workerId() {
        return config.workerId();
    }

    Lease lease(Instant now) {
        return new Lease(config.workerId(), now.plus(config.leaseLength()));
    }

    Instant now() {
        return clock.instant();
    }

    boolean closing() {
        return closing;
    }

    void markClosing() {
        closing = true;
    }

    /**
     * Decides a send's outcome with {@link OutcomePolicy}. The jitter source is not thread-safe
     * ({@link RandomGenerator#getDefault()} is not), so the draw is serialised on it.
     */
    Decision decide(HeldDelivery h, io.botdelivery.core.spi.SendOutcome outcome) {
        int redirects;
        int albumRateLimits;
        synchronized (lock) {
            redirects = h.redirects;
            albumRateLimits = h.albumRateLimits;
        }
        synchronized (random) {
            return OutcomePolicy.decide(h.delivery(), redirects, albumRateLimits, outcome, config, random);
        }
    }
}
