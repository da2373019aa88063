package io.botdelivery.bench.chaos;

import java.time.Duration;
import java.util.Objects;

/** One named kind of trouble, with its timing relative to the scenario's start. */
public sealed interface ChaosAction permits ChaosAction.KillInstances, ChaosAction.RedisOutage, ChaosAction.PostgresRestart,
        ChaosAction.TerminateSessions, ChaosAction.DropAfterAccept {

    /** When the first fault hits. */
    Duration from();

    /** When the last fault is over (the system may still be recovering). */
    Duration until();

    /** kill -9 one instance (round robin) every {@code every}, from {@code from} until {@code until}; each is restarted at once. */
    record KillInstances(Duration from, Duration every, Duration until) implements ChaosAction {
        public KillInstances {
            requireOrder(from, until);
            requirePositive(every, "every");
        }
    }

    /** Redis stops at {@code from} and comes back empty (scripts flushed) after {@code downFor}. */
    record RedisOutage(Duration from, Duration downFor) implements ChaosAction {
        public RedisOutage {
            requireOrder(from, from.plus(downFor));
            requirePositive(downFor, "downFor");
        }

        @Override
        public Duration until() {
            return from.plus(downFor);
        }
    }

    /** PostgreSQL stops at {@code from} and starts again (same data) after {@code downFor}. */
    record PostgresRestart(Duration from, Duration downFor) implements ChaosAction {
        public PostgresRestart {
            requireOrder(from, from.plus(downFor));
            requirePositive(downFor, "downFor");
        }

        @Override
        public Duration until() {
            return from.plus(downFor);
        }
    }

    /** pg_terminate_backend on every store session every {@code every}, from {@code from} until {@code until}. */
    record TerminateSessions(Duration from, Duration every, Duration until) implements ChaosAction {
        public TerminateSessions {
            requireOrder(from, until);
            requirePositive(every, "every");
        }
    }

    /** The simulator drops {@code share} of send connections after accepting, from {@code from} until {@code until}. */
    record DropAfterAccept(Duration from, double share, Duration until) implements ChaosAction {
        public DropAfterAccept {
            requireOrder(from, until);
            if (share <= 0 || share > 1) {
                throw new IllegalArgumentException("share must be in (0, 1], was " + share);
            }
        }
    }

    private static void requireOrder(Duration from, Duration until) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (from.isNegative() || until.compareTo(from) < 0) {
            throw new IllegalArgumentException("need 0 <= from <= until, was " + from + " .. " + until);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
