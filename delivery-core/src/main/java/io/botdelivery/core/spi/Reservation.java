package io.botdelivery.core.spi;

import java.time.Duration;
import java.util.Objects;

/** A {@link RateLimiter}'s answer: a slot (now or after a delay), or nothing consumed and when to ask again. */
public sealed interface Reservation permits Reservation.Granted, Reservation.Denied {

    static Granted granted(Duration delay) {
        return new Granted(delay);
    }

    static Denied denied(Duration retryIn, LimitScope scope) {
        return new Denied(retryIn, scope);
    }

    /**
     * The budget is reserved: send after {@code delay} (zero = now). The caller must not send earlier, and should not
     * throw the slot away: it is consumed.
     */
    record Granted(Duration delay) implements Reservation {
        public Granted {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
        }
    }

    /**
     * No slot within the horizon; nothing was consumed. Ask again after {@code retryIn}.
     *
     * @param scope the budget that denied: {@link LimitScope#global()} means every send must wait, a chat scope means
     *              only that chat must
     */
    record Denied(Duration retryIn, LimitScope scope) implements Reservation {
        public Denied {
            Objects.requireNonNull(retryIn, "retryIn");
            Objects.requireNonNull(scope, "scope");
            if (retryIn.isNegative() || retryIn.isZero()) {
                throw new IllegalArgumentException("retryIn must be positive");
            }
        }
    }
}
