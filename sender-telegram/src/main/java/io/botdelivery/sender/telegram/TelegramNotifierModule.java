package io.botdelivery.sender.telegram;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;

import java.time.Clock;
import java.util.Objects;

/**
 * Binds {@link Notifier} to one {@link TelegramNotifier}. Needs the {@link RateLimiter} (its alerts share the bot's
 * budgets) and a {@link Clock} bound elsewhere.
 */
public final class TelegramNotifierModule extends AbstractModule {
    private final TelegramNotifierConfig config;

    public TelegramNotifierModule(TelegramNotifierConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        install(new SharedBotApiClientModule());
    }

    @Provides
    @Singleton
    Notifier notifier(RateLimiter limiter, Clock clock, SharedBotApiClient http) {
        return new TelegramNotifier(config, limiter, clock, http);
    }
}
