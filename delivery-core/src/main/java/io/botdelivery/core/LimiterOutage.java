package io.botdelivery.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a lane waits after the limiter could not decide, and the log of such a spell.
 *
 * <p>Failing closed is the rule: without a decision nothing may be sent. How long to wait before asking again is not: a
 * shared limiter's spell without answers is often short (a Redis busy for half a second, an instance switching back
 * after its probe answered), and a fixed second per failure left a lane idle up to a second after the limiter was back.
 * So the wait grows with the spell: {@link #FIRST_WAIT} at first, then as long as the spell has lasted (each retry at
 * most doubles the time since it began), at most {@link #LONGEST_WAIT}. The wait is counted from the spell's start, not
 * per failure: the many deliveries that fail together in one moment do not lengthen it. A limiter that cannot decide
 * answers at once (it does not wait for its storage on every call), so the retries cost nothing while it is out.
 *
 * <p>One warning when a spell begins, one line when the limiter decides again, the failures between at debug level.
 *
 * <p>Thread-safe: the dispatcher calls it from the tasks that reserve, without the engine lock.
 */
final class LimiterOutage {
    private static final Logger log = LoggerFactory.getLogger(LimiterOutage.class);
    static final Duration FIRST_WAIT = Duration.ofMillis(100);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(1);

    /** When the current spell began; null while the limiter decides. */
    private Instant since;
    private long failures;
    /** Read without the monitor on every decision: the common case is a limiter that answers. */
    private volatile boolean out;

    /**
     * The limiter failed a call made at {@code asked}; returns how long the lane waits before asking again. The spell
     * is counted between the times calls were made, so a call that took long to fail does not lengthen it.
     */
    Duration failed(Instant asked, RuntimeException cause) {
        Duration spell;
        synchronized (this) {
            if (since == null) {
                since = asked;
                failures = 0;
                out = true;
                log.warn("rate limiter cannot decide ({}); nothing is sent until it can, asked again from {} ms on",
                        cause.toString(), FIRST_WAIT.toMillis());
            } else {
                log.debug("rate limiter still cannot decide ({})", cause.toString());
            }
            failures++;
            spell = Duration.between(since, asked);
        }
        return waitAfter(spell);
    }

    /**
     * The limiter decided at {@code now} a call made at {@code asked}: a spell without decisions, if any, has ended,
     * unless the call was made before the spell began (an answer already on its way says nothing about the spell).
     */
    void decided(Instant asked, Instant now) {
        if (!out) {
            return;
        }
        synchronized (this) {
            if (since == null || asked.isBefore(since)) {
                return;
            }
            log.info("rate limiter decides again after {} ms ({} failed calls)",
                    Duration.between(since, now).toMillis(), failures);
            since = null;
            out = false;
        }
    }

    /** The wait after a failure {@code spell} into a spell: never less than the first wait nor more than the longest. */
    static Duration waitAfter(Duration spell) {
        if (spell.compareTo(FIRST_WAIT) < 0) {
            return FIRST_WAIT;
        }
        return spell.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : spell;
    }
}
