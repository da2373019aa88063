package io.botdelivery.core.spi;

import java.time.Duration;
import java.util.Objects;

/** A {@link RateLimiter}'s answer: a slot (now or after a delay), or nothing consumed and when to ask again. */
public sealed interface Reservation permits Reservation.Granted, Reservation.Denied {

    static Granted granted(Duration delay) {
        return new Granted(delay);
    }

    /** A grant that {@link RateLimiter#release} can give back: {@code stamp} is the limiter's own record of its slot. */
    static Granted granted(Duration delay, long stamp) {
        return new Granted(delay, stamp);
    }

    static Denied denied(Duration retryIn, LimitScope scope) {
        return new Denied(retryIn, scope);
    }

    /**
     * The budget is reserved: send after {@code delay} (zero = now). The caller must not send earlier, and should not
     * throw the slot away: it is consumed, unless given back with {@link RateLimiter#release} when its send will not
     * be made.
     */
    record Granted(Duration delay, long stamp) implements Reservation {
        /** The {@link #stamp} of a grant its limiter cannot give back. */
        public static final long NO_STAMP = Long.MIN_VALUE;

        /**
         * @param stamp the slot as the limiter recorded it (in its own clock and unit), which it needs to find the grant
         *              again in {@link RateLimiter#release}; {@link #NO_STAMP} when it keeps none
         */
        public Granted {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
        }

        /** A grant its limiter cannot give back. */
        public Granted(Duration delay) {
            this(delay, NO_STAMP);
        }

        /** Grants are equal when their delays are: the stamp is the limiter's handle on it, not part of the answer. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Granted other && delay.equals(other.delay);
        }

        @Override
        public int hashCode() {
            return delay.hashCode();
        }

        @Override
        public String toString() {
            return "Granted[delay=" + delay + "]";
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
