package io.botdelivery.limiter.redis;

import io.botdelivery.core.spi.Reservation;
import java.util.Objects;

/**
 * A reservation and where it was decided: {@code decidedAtMicros} is the Redis server's time for {@link Source#REDIS}
 * (or the injected clock's, under {@link TimeSource#INJECTED_CLOCK}) and the injected clock's for
 * {@link Source#LOCAL}. A granted slot starts at the grant's stamp when it has one (a Redis grant's delay counts from
 * when its answer arrived, which was later than the decision), else at {@code decidedAtMicros + delay}.
 */
record Decision(Reservation reservation, Source source, long decidedAtMicros) {
    enum Source { REDIS, LOCAL }

    Decision {
        Objects.requireNonNull(reservation, "reservation");
        Objects.requireNonNull(source, "source");
    }

    boolean granted() {
        return reservation instanceof Reservation.Granted;
    }

    /** When the granted slot starts, in the decider's microseconds; only for a granted reservation. */
    long slotMicros() {
        if (!(reservation instanceof Reservation.Granted g)) {
            throw new IllegalStateException("denied, no slot: " + reservation);
        }
        return g.stamp() != Reservation.Granted.NO_STAMP ? g.stamp() : decidedAtMicros + Micros.of(g.delay());
    }
}
