package io.botdelivery.example.config;

import java.util.Objects;

/**
 * One configured value and where it came from, so that an error can say which file line, variable or flag to fix.
 *
 * @param key    dotted key name
 * @param value  the raw text
 * @param source e.g. {@code "default"}, {@code "config file bot.yml"}, {@code "environment variable BOT_LIMITER"},
 *               {@code "flag --limiter"}
 */
public record Setting(String key, String value, String source) {
    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }
}
