package io.botdelivery.example.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import java.time.Duration;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.example.config.BotConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.util.Objects;

/**
 * What every adapter combination shares: the clock, the Prometheus meter registry, the engine's settings and the
 * {@link DeliveryEngine} over whichever four ports the adapter modules bound. The engine is built here, not started.
 */
public final class EngineModule extends AbstractModule {
    private final BotConfig config;

    public EngineModule(BotConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(Clock.class).toInstance(Clock.systemUTC());
        bind(MeterRegistry.class).to(PrometheusMeterRegistry.class);
        bind(DeliveryService.class).to(DeliveryEngine.class);
    }

    @Provides
    @Singleton
    PrometheusMeterRegistry meterRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @Provides
    @Singleton
    EngineConfig engineConfig() {
        return engineConfig(config);
    }

    @Provides
    @Singleton
    DeliveryEngine engine(RetryStore store, RateLimiter limiter, Sender sender, Notifier notifier, Clock clock,
                          EngineConfig engineConfig, MeterRegistry registry) {
        return DeliveryEngine.builder()
                .store(store)
                .limiter(limiter)
                .sender(sender)
                .notifier(new IncidentNotifier(notifier))
                .clock(clock)
                .config(engineConfig)
                .meterRegistry(registry)
                .build();
    }

    /**
     * The engine's defaults (docs/design.md) with the configured concurrency, buffering and polling, and every 429 taken
     * as the bot's: Telegram's answer does not say which budget was hit, and if it was the global one while only the chat
     * pauses, every other chat's next send arrives inside the ban and earns a longer one. With the rate limiter working,
     * 429s are rare, so pausing everything for one retry_after is the cheap side of the bet.
     */
    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static EngineConfig engineConfig(BotConfig config) {
        BotConfig.EngineSettings e = config.engine();
        return EngineConfig.builder()
                .retryAfterScope(RetryAfterScopePolicy.ALWAYS_GLOBAL)
                .maxConcurrentSends(e.maxConcurrentSends())
                .maxBuffered(e.maxBuffered())
                .claimBatch(e.claimBatch())
                .pollInterval(e.pollInterval())
                .leaseLength(e.leaseLength())
                // a held delivery must go back to the store before its lease could end, so the wait stays below the lease
                .maxInlineWait(min(Duration.ofSeconds(30), e.leaseLength().dividedBy(2)))
                .build();
    }
}
