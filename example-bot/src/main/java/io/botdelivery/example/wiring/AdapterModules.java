package io.botdelivery.example.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.spi.Sender;
import okhttp3.OkHttpClient;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.ops.HealthCheck;
import io.botdelivery.limiter.local.LocalRateLimiterConfig;
import io.botdelivery.limiter.local.LocalRateLimiterModule;
import io.botdelivery.limiter.redis.OutagePolicy;
import io.botdelivery.limiter.redis.RedisRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.botdelivery.limiter.redis.RedisRateLimiterModule;
import io.botdelivery.sender.telegram.TelegramNotifier;
import io.botdelivery.sender.telegram.TelegramNotifierConfig;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramSenderConfig;
import io.botdelivery.store.memory.InMemoryRetryStoreModule;
import io.botdelivery.store.postgres.PostgresRetryStoreConfig;
import io.botdelivery.store.postgres.PostgresRetryStoreModule;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The one place where configuration chooses adapters: one Guice module per port, picked by {@code limiter} and
 * {@code store}; the sender and the notifier are Telegram's, at the configured Bot API URL. Adapter modules
 * themselves never look at the configuration's choices.
 */
public final class AdapterModules {
    private AdapterModules() {
    }

    public static List<Module> forConfig(BotConfig config, Secret token) {
        return List.of(limiter(config, token), store(config), sender(config, token), notifier(config, token));
    }

    static Module limiter(BotConfig config, Secret token) {
        return switch (config.limiter()) {
            case LOCAL -> new LocalRateLimiterModule(LocalRateLimiterConfig.of(config.budgets()));
            case REDIS -> new RedisRateLimiterModule(redisConfig(config, token));
        };
    }

    static Module store(BotConfig config) {
        return switch (config.store()) {
            case MEMORY -> new InMemoryRetryStoreModule();
            case POSTGRES -> new PostgresRetryStoreModule(PostgresRetryStoreConfig.builder(config.postgres().jdbcUrl())
                    .user(config.postgres().user())
                    .password(config.postgres().password() == null ? null : config.postgres().password().value())
                    .build());
        };
    }

    /** The sender on the bot's one HTTP client ({@link TelegramClientModule}): its connections, its threads. */
    static Module sender(BotConfig config, Secret token) {
        TelegramSenderConfig senderConfig = senderConfig(config, token);
        return new AbstractModule() {
            @Provides
            @Singleton
            Sender sender(OkHttpClient http) {
                return new TelegramSender(senderConfig, http);
            }
        };
    }

    /**
     * Alerts go to the admins' chats, on the bot's one HTTP client; a bot without admins has nobody to tell, and says
     * so at start-up.
     */
    static Module notifier(BotConfig config, Secret token) {
        if (config.admins().isEmpty()) {
            return binder -> binder.bind(Notifier.class).toInstance(Notifier.none());
        }
        TelegramNotifierConfig notifierConfig = new TelegramNotifierConfig(senderConfig(config, token),
                List.copyOf(config.admins()), TelegramNotifierConfig.DEFAULT_MAX_WAIT, RetryAfterScopePolicy.ALWAYS_GLOBAL);
        return new AbstractModule() {
            @Provides
            @Singleton
            Notifier notifier(RateLimiter limiter, Clock clock, OkHttpClient http) {
                return new TelegramNotifier(notifierConfig, limiter, clock, http);
            }
        };
    }

    static TelegramSenderConfig senderConfig(BotConfig config, Secret token) {
        return TelegramSenderConfig.defaults(token.value())
                .withApiUrl(config.apiUrl())
                // every send the engine may have on the wire needs a connection
                .withMaxConcurrentRequests(Math.max(64, EngineModule.engineConfig(config).sendCeiling()));
    }

    /** How long /health/ready waits for Redis to answer its probe. */
    private static final Duration REDIS_PROBE_TIMEOUT = Duration.ofSeconds(1);

    /**
     * How /health checks the limiter: the local one cannot fail; the Redis one asks Redis (one cheap call, at most
     * {@link #REDIS_PROBE_TIMEOUT}) and reports where it decides.
     */
    static HealthCheck limiterHealth(BotConfig config, RateLimiter limiter) {
        return switch (config.limiter()) {
            case LOCAL -> HealthCheck.of("limiter", () -> HealthCheck.Status.up("local, in this process"));
            case REDIS -> HealthCheck.of("limiter", () -> {
                RedisRateLimiter redis = (RedisRateLimiter) limiter;
                RedisRateLimiter.Mode mode = redis.mode();
                String where = "redis " + config.redis().url().getHost();
                // asked now, not read from the last reservation: an idle replica would say UP long after Redis went away
                if (!redis.redisAnswers(REDIS_PROBE_TIMEOUT)) {
                    return HealthCheck.Status.down(where + ": not answering within " + REDIS_PROBE_TIMEOUT.toMillis()
                            + " ms (deciding " + mode.name().toLowerCase(Locale.ROOT) + ")");
                }
                String detail = where + ": deciding " + mode.name().toLowerCase(Locale.ROOT);
                return mode == RedisRateLimiter.Mode.REDIS ? HealthCheck.Status.up(detail) : HealthCheck.Status.down(detail);
            });
        };
    }

    /**
     * {@code redis://[user:password@]host:port[/db]} → the limiter's settings; the keys are named after the bot's
     * numeric id (the part of the token before the colon), never the token.
     */
    static RedisRateLimiterConfig redisConfig(BotConfig config, Secret token) {
        URI url = config.redis().url();
        String botId = token.value().substring(0, token.value().indexOf(':'));
        RedisRateLimiterConfig.Builder b = RedisRateLimiterConfig.builder(botId)
                .url(url)
                .budgets(config.budgets())
                .outagePolicy(config.redis().localShareDuringOutage() ? OutagePolicy.LOCAL_SHARE : OutagePolicy.FAIL_CLOSED)
                .instanceCount(config.redis().instances());
        return b.build();
    }
}
