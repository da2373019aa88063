package io.botdelivery.limiter.local;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.spi.RateLimiter;

import java.time.Clock;
import java.util.Objects;

/** Binds {@link RateLimiter} to one {@link LocalRateLimiter}. Needs a {@link Clock} bound elsewhere (the application's). */
public final class LocalRateLimiterModule extends AbstractModule {
    private final LocalRateLimiterConfig config;

    public LocalRateLimiterModule(LocalRateLimiterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Provides
    @Singleton
    RateLimiter rateLimiter(Clock clock) {
        return new LocalRateLimiter(config, clock);
    }
}
