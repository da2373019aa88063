package io.botdelivery.example.config;

import java.util.Objects;

/**
 * A secret (bot token, database password). Its {@link #toString()} never shows the value, so a secret that ends up in
 * a log line or an exception message by accident stays secret.
 */
public record Secret(String value) {
    public Secret {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
