package io.botdelivery.sender.telegram;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link TelegramNotifier}.
 *
 * @param connection   the bot and Bot API server to send through (usually the sender's own configuration)
 * @param adminChatIds who gets the alerts (at least one)
 * @param maxWait      how long one alert may wait for a rate-limit slot before the call fails (the engine retries it
 *                     later); default 30 s
 */
public record TelegramNotifierConfig(TelegramSenderConfig connection, List<Long> adminChatIds, Duration maxWait) {
    public TelegramNotifierConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(maxWait, "maxWait");
        adminChatIds = List.copyOf(adminChatIds);
        if (adminChatIds.isEmpty()) {
            throw new IllegalArgumentException("telegram.adminChatIds needs at least one chat id to send alerts to");
        }
        if (adminChatIds.contains(0L)) {
            throw new IllegalArgumentException("telegram.adminChatIds must not contain 0");
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("telegram.notifier.maxWait must be positive");
        }
    }

    public static TelegramNotifierConfig of(TelegramSenderConfig connection, Long... adminChatIds) {
        return new TelegramNotifierConfig(connection, List.of(adminChatIds), Duration.ofSeconds(30));
    }

    public TelegramNotifierConfig withMaxWait(Duration wait) {
        return new TelegramNotifierConfig(connection, adminChatIds, wait);
    }
}
