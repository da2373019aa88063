package io.botdelivery.example.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key. The same key is read from the config file ({@code limiter: redis}), from the environment
 * ({@link #envName()}, e.g. {@code BOT_LIMITER}) and from the command line ({@link #flagName()}, e.g.
 * {@code --limiter}); later sources win.
 *
 * @param name         dotted name as written in the file, e.g. {@code redis.url}
 * @param defaultValue the value when no source sets it, or {@code null} when there is none
 * @param valueHint    what a value looks like, for --help (e.g. {@code local|redis})
 * @param description  one sentence for --help
 */
public record ConfigKey(String name, String defaultValue, String valueHint, String description) {
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueHint, "valueHint");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*")) {
            throw new IllegalArgumentException("a key is lowercase words joined by dots and dashes: " + name);
        }
    }

    /** {@code BOT_} + the name without a leading {@code bot.}, upper case, dots and dashes as underscores. */
    public String envName() {
        return envNameOf(name);
    }

    /** {@code --} + the name without a leading {@code bot.}, dots as dashes. */
    public String flagName() {
        return "--" + withoutBotPrefix(name).replace('.', '-');
    }

    static String envNameOf(String key) {
        return "BOT_" + withoutBotPrefix(key).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String withoutBotPrefix(String key) {
        return key.startsWith("bot.") ? key.substring(4) : key;
    }
}
