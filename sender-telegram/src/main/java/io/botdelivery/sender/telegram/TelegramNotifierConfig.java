package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of {@link TelegramNotifier}.
 *
 * @param connection   the bot and Bot API server to send through (usually the sender's own configuration)
 * @param adminChatIds who gets the alerts (at least one)
 * @param maxWait      how long one alert (to every admin chat together) may wait for rate-limit slots before the call
 *                     fails and the engine retries it later; default 4 s, at most {@link Notifier#MAX_BLOCKING} (the
 *                     rest of that bound is left for the round trips)
 * @param retryAfterScope which scope a 429 to an admin chat pauses; the engine's default
 *                     ({@link RetryAfterScopePolicy#PRIVATE_CHAT_IS_GLOBAL}) unless set to match another engine setting
 */
public record TelegramNotifierConfig(TelegramSenderConfig connection, List<Long> adminChatIds, Duration maxWait,
                                     RetryAfterScopePolicy retryAfterScope) {
    /** Alerts may wait this long for their slots by default. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(4);

    public TelegramNotifierConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(retryAfterScope, "retryAfterScope");
        adminChatIds = List.copyOf(adminChatIds);
        if (adminChatIds.isEmpty()) {
            throw new IllegalArgumentException("telegram.adminChatIds needs at least one chat id to send alerts to");
        }
        if (adminChatIds.contains(0L)) {
            throw new IllegalArgumentException("telegram.adminChatIds must not contain 0");
        }
        if (maxWait.isNegative() || maxWait.isZero() || maxWait.compareTo(Notifier.MAX_BLOCKING) > 0) {
            throw new IllegalArgumentException("telegram.notifier.maxWait must be positive and at most "
                    + Notifier.MAX_BLOCKING + " (a notifier call may not block longer), was " + maxWait);
        }
    }

    /** With the engine's default 429 scope policy, {@link RetryAfterScopePolicy#PRIVATE_CHAT_IS_GLOBAL}. */
    public TelegramNotifierConfig(TelegramSenderConfig connection, List<Long> adminChatIds, Duration maxWait) {
        this(connection, adminChatIds, maxWait, RetryAfterScopePolicy.PRIVATE_CHAT_IS_GLOBAL);
    }

    public static TelegramNotifierConfig of(TelegramSenderConfig connection, Long... adminChatIds) {
        return new TelegramNotifierConfig(connection, List.of(adminChatIds), DEFAULT_MAX_WAIT);
    }

    public TelegramNotifierConfig withMaxWait(Duration wait) {
        return new TelegramNotifierConfig(connection, adminChatIds, wait, retryAfterScope);
    }

    public TelegramNotifierConfig withRetryAfterScope(RetryAfterScopePolicy policy) {
        return new TelegramNotifierConfig(connection, adminChatIds, maxWait, policy);
    }
}
