package io.botdelivery.bench.chaos;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the chaos timeline did, and when.
 *
 * @param at          when it took effect
 * @param kind        what
 * @param slot        the instance it hit ({@link Kind#KILL}), else -1
 * @param incarnation the incarnation killed ({@link Kind#KILL}), else -1
 * @param detail      for a person reading the results
 */
public record ChaosEvent(Instant at, Kind kind, int slot, int incarnation, String detail) {

    public enum Kind {
        /** kill -9 of one instance; a new incarnation is started at once. */
        KILL,
        REDIS_DOWN,
        REDIS_UP,
        POSTGRES_DOWN,
        POSTGRES_UP,
        /** pg_terminate_backend of every session of the store's database. */
        POSTGRES_SESSIONS_TERMINATED,
        /** the simulator starts dropping a share of connections after accepting. */
        DROPS_ON,
        DROPS_OFF
    }

    public ChaosEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** Whether the system runs degraded from this event until a matching "up" event. */
    public boolean startsOutage() {
        return kind == Kind.REDIS_DOWN || kind == Kind.POSTGRES_DOWN;
    }
}
