package io.botdelivery.example.ops;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One dependency the bot needs (store, limiter, Telegram), checked when {@code /health} is asked. A check that throws
 * counts as down, with the exception's message as detail.
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
