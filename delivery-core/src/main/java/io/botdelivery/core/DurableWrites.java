package io.botdelivery.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Writes that must reach the store eventually: an outcome, a hand-back, a cancel, an alert's "notified" mark. If the
 * store is unreachable, the write is tried again with backoff (1 s doubling to 30 s) instead of being dropped: a sent
 * delivery whose completion is lost would be sent again.
 *
 * <p><b>Threads.</b> The first try runs on the caller's thread; retries run on the engine's scheduler, for as long as it
 * takes tasks. Once a scheduler the engine owns is shut down, a write still failing is given up with a warning: the
 * lease then ends on its own and another worker takes the delivery over. Holds no state, so needs no lock.
 */
final class DurableWrites {
    private static final Logger log = LoggerFactory.getLogger(DurableWrites.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final EngineContext ctx;

    DurableWrites(EngineContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Runs {@code write} until it does not throw, then hands its answer (false: the lease was lost) to {@code then}.
     *
     * @param what names the write in logs, e.g. "complete delivery X"
     */
    void persist(String what, BooleanSupplier write, Consumer<Boolean> then) {
        attempt(what, write, then, FIRST_BACKOFF);
    }

    private void attempt(String what, BooleanSupplier write, Consumer<Boolean> then, Duration backoff) {
        boolean result;
        try {
            result = write.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("store unavailable, could not {} ({}); retrying in {}", what, e.toString(), backoff);
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            try {
                ctx.scheduler.schedule(backoff, () -> attempt(what, write, then, next));
            } catch (RuntimeException rejected) {
                log.warn("could not schedule another try to {} ({}); its lease will expire", what, rejected.toString());
            }
            return;
        }
        then.accept(result);
    }
}
