package io.botdelivery.example.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One dependency the bot needs (store, limiter, Telegram), checked when {@code /health/ready} is asked. A check that
 * throws counts as down, with the exception's message as detail.
 */
public interface HealthCheck {

    /** The outcome of one check. */
    record Status(boolean up, String detail) {
        public Status {
            Objects.requireNonNull(detail, "detail");
        }

        public static Status up(String detail) {
            return new Status(true, detail);
        }

        public static Status down(String detail) {
            return new Status(false, detail);
        }
    }

    /** Short name shown in {@code /health}: store, limiter, telegram. */
    String name();

    Status check() throws Exception;

    /**
     * This check, run at most once per {@code maxAge}: a probe polled every few seconds by several load balancers
     * must not turn into a query per request against the store. A check that throws is remembered as down.
     */
    default HealthCheck cached(Duration maxAge, Clock clock) {
        HealthCheck self = this;
        return new HealthCheck() {
            private Status last;
            private Instant checkedAt = Instant.MIN;

            @Override
            public String name() {
                return self.name();
            }

            @Override
            public synchronized Status check() {
                Instant now = clock.instant();
                if (last == null || !now.isBefore(checkedAt.plus(maxAge))) {
                    try {
                        last = self.check();
                    } catch (Exception e) {
                        last = Status.down(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                    checkedAt = now;
                }
                return last;
            }
        };
    }

    static HealthCheck of(String name, Supplier<Status> check) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Status check() {
                return check.get();
            }
        };
    }
}
