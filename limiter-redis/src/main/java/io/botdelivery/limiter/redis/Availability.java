package io.botdelivery.limiter.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the limiter decides on Redis, and the way back: the first failed call switches to the outage mode at once;
 * from then on a probe asks Redis every {@code probeInterval}, and its first success switches back. Thread-safe.
 */
final class Availability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Availability.class);

    /** A blocking check that Redis answers (and knows the script); throws when it does not. */
    interface Probe {
        void check() throws Exception;
    }

    /** Told of switches; both run before the new mode is visible to callers. */
    interface Listener {
        void beforeOutage(RedisRateLimiter.Mode to);

        /** Hands state gathered during the outage back to Redis; throwing keeps the outage mode. */
        void beforeRecovery() throws Exception;

        void switched(RedisRateLimiter.Mode to);
    }

    private final AtomicReference<RedisRateLimiter.Mode> mode = new AtomicReference<>(RedisRateLimiter.Mode.REDIS);
    private final RedisRateLimiter.Mode outageMode;
    private final Duration probeInterval;
    private final Probe probe;
    private final Listener listener;
    private final String botId;
    private ScheduledExecutorService prober;
    private long outageStartedNanos;
    private boolean closed;

    Availability(OutagePolicy policy, Duration probeInterval, Probe probe, Listener listener, String botId) {
        this.outageMode = policy == OutagePolicy.LOCAL_SHARE ? RedisRateLimiter.Mode.LOCAL : RedisRateLimiter.Mode.UNAVAILABLE;
        this.probeInterval = probeInterval;
        this.probe = probe;
        this.listener = listener;
        this.botId = botId;
    }

    RedisRateLimiter.Mode mode() {
        return mode.get();
    }

    /** A call to Redis failed as an outage: switch to the outage mode (once) and start probing. */
    synchronized void lost(Throwable cause) {
        if (closed || mode.get() != RedisRateLimiter.Mode.REDIS) {
            return;
        }
        listener.beforeOutage(outageMode);
        mode.set(outageMode);
        listener.switched(outageMode);
        outageStartedNanos = System.nanoTime();
        log.warn("Redis rate limiter for bot {} lost Redis ({}); {} until it answers again, checking every {} ms",
                botId, Failures.unwrap(cause).toString(),
                outageMode == RedisRateLimiter.Mode.LOCAL
                        ? "deciding locally on this instance's share of the budget"
                        : "granting nothing (FAIL_CLOSED): deliveries wait",
                probeInterval.toMillis());
        if (prober == null) {
            prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "redis-rate-limiter-probe-" + botId);
                thread.setDaemon(true);
                return thread;
            });
        }
        prober.schedule(this::probeOnce, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeOnce() {
        try {
            probe.check();
            recover();
        } catch (Exception stillDown) {
            log.debug("Redis rate limiter for bot {}: Redis still unreachable ({})", botId, stillDown.toString());
            reschedule();
        }
    }

    private synchronized void recover() throws Exception {
        if (closed) {
            return;
        }
        listener.beforeRecovery();
        mode.set(RedisRateLimiter.Mode.REDIS);
        listener.switched(RedisRateLimiter.Mode.REDIS);
        log.info("Redis rate limiter for bot {} reaches Redis again after {} ms; back to the shared budget", botId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStartedNanos));
    }

    private synchronized void reschedule() {
        if (!closed) {
            prober.schedule(this::probeOnce, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (prober != null) {
            prober.shutdownNow();
        }
    }
}
