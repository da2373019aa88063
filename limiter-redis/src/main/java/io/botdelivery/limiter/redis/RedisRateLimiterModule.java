package io.botdelivery.limiter.redis;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import io.botdelivery.core.spi.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Binds {@link RateLimiter} to a {@link RedisRateLimiter} built from the given config. Opens no connection while the
 * injector is built (the Redisson client connects on first use). Uses the app's {@link MeterRegistry} and
 * {@link Clock} when it binds them, otherwise Micrometer's global registry and the system clock. The bound limiter is
 * {@link AutoCloseable}: close it when the app stops.
 */
public final class RedisRateLimiterModule extends AbstractModule {
    private final RedisRateLimiterConfig config;

    public RedisRateLimiterModule(RedisRateLimiterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), MeterRegistry.class);
        OptionalBinder.newOptionalBinder(binder(), Clock.class);
    }

    @Provides
    @Singleton
    RateLimiter rateLimiter(Optional<MeterRegistry> registry, Optional<Clock> clock) {
        return RedisRateLimiter.create(config, clock.orElseGet(Clock::systemUTC), registry.orElse(Metrics.globalRegistry));
    }
}
