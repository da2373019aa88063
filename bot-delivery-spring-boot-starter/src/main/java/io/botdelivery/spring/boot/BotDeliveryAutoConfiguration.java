package io.botdelivery.spring.boot;

import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.limiter.local.LocalRateLimiterConfig;
import io.botdelivery.limiter.redis.OutagePolicy;
import io.botdelivery.limiter.redis.RedisRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.botdelivery.sender.telegram.BotApiHttpClients;
import io.botdelivery.sender.telegram.TelegramNotifier;
import io.botdelivery.sender.telegram.TelegramNotifierConfig;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramSenderConfig;
import io.botdelivery.spring.boot.BotDeliveryProperties.LimiterChoice;
import io.botdelivery.spring.boot.BotDeliveryProperties.RedisOutage;
import io.botdelivery.spring.boot.BotDeliveryProperties.StoreChoice;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import javax.sql.DataSource;
import java.net.URI;
import java.time.Clock;

/**
 * Builds and runs the {@link DeliveryEngine} from {@code bot-delivery.*} ({@link BotDeliveryProperties}): the rate
 * limiter and the store the properties choose (local or Redis, memory or PostgreSQL on the application's
 * {@code DataSource}), Telegram's sender and admin notifier, the engine's settings, its meters on the application's
 * {@link MeterRegistry}, and a lifecycle that starts the engine once the context is up
 * and closes it first on shutdown. Every bean backs off when the application defines its own of that type; the
 * adapters' own beans are closed by Spring when the context closes (their {@code close()} is inferred).
 *
 * <p>Only the nested configurations name the optional adapters' types, so this class loads without them.
 * {@link BotDeliveryHealthAutoConfiguration} adds the Actuator health indicator.
 *
 * <p>The application's {@link Clock} and {@link MeterRegistry} are used when it has them; none is registered here,
 * since a bean of such a general type would change what the rest of the application injects.
 */
@AutoConfiguration(afterName = {
        // so that the application's DataSource and MeterRegistry are defined before the beans that use them
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(BotDeliveryProperties.class)
public class BotDeliveryAutoConfiguration implements BeanClassLoaderAware {
    private static final Logger log = LoggerFactory.getLogger(BotDeliveryAutoConfiguration.class);

    static final String REDIS_LIMITER = "io.botdelivery.limiter.redis.RedisRateLimiter";
    static final String POSTGRES_STORE = "io.botdelivery.store.postgres.PostgresRetryStore";

    /** The application's, to tell "the chosen adapter is not on the classpath" from other reasons a bean is missing. */
    private ClassLoader classLoader;

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Bean
    @ConditionalOnMissingBean
    EngineConfig botDeliveryEngineConfig(BotDeliveryProperties properties) {
        return properties.engine().toEngineConfig();
    }

    /** One HTTP client for the Telegram sender and notifier below: alerts find the connections the sends keep open. */
    @Bean
    @ConditionalOnMissingBean
    BotDeliveryHttpClient botDeliveryHttpClient(BotDeliveryProperties properties) {
        return new BotDeliveryHttpClient(BotApiHttpClients.create(maxConcurrentRequests(properties)));
    }

    @Bean
    @ConditionalOnMissingBean(Sender.class)
    TelegramSender botDeliverySender(BotDeliveryProperties properties, BotDeliveryHttpClient http) {
        return new TelegramSender(senderConfig(properties), http.okHttp());
    }

    /** Alerts go to the admins' chats; without admins there is nobody to tell, and the log says so once. */
    @Bean
    @ConditionalOnMissingBean(Notifier.class)
    Notifier botDeliveryNotifier(BotDeliveryProperties properties, ObjectProvider<RateLimiter> limiter,
                                 EngineConfig engineConfig, ObjectProvider<Clock> clock, BotDeliveryHttpClient http) {
        if (properties.adminChatIds().isEmpty()) {
            log.info("bot-delivery.admin-chat-ids is empty: failed deliveries are logged, nobody is alerted");
            return Notifier.none();
        }
        // the notifier takes its slots from the engine's limiter, so alerts never push the bot over Telegram's budget,
        // and pauses for a 429 in the scope the engine would, so the two never disagree
        return new TelegramNotifier(new TelegramNotifierConfig(senderConfig(properties), properties.adminChatIds(),
                properties.notifier().maxWait(), engineConfig.retryAfterScope()), requireLimiter(limiter, properties, classLoader), clockOf(clock),
                http.okHttp());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DeliveryEngine deliveryEngine(BotDeliveryProperties properties, ObjectProvider<RetryStore> store,
                                  ObjectProvider<RateLimiter> limiter, Sender sender, Notifier notifier,
                                  EngineConfig config, ObjectProvider<Clock> clock,
                                  ObjectProvider<MeterRegistry> registry) {
        DeliveryEngine.Builder b = DeliveryEngine.builder()
                .store(requireStore(store, properties, classLoader))
                .limiter(requireLimiter(limiter, properties, classLoader))
                .sender(sender)
                .notifier(notifier)
                .clock(clockOf(clock))
                .config(config);
        registry.ifAvailable(b::meterRegistry);
        log.info("bot-delivery: limiter={}, store={}, Bot API {}", properties.limiter(), properties.store(), properties.apiUrl());
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    DeliveryEngineLifecycle botDeliveryEngineLifecycle(DeliveryEngine engine) {
        return new DeliveryEngineLifecycle(engine);
    }

    /** The in-process limiter: the default, right for one instance. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(LocalRateLimiter.class)
    @ConditionalOnProperty(prefix = "bot-delivery", name = "limiter", havingValue = "local", matchIfMissing = true)
    static class LocalLimiterConfiguration {
        @Bean
        @ConditionalOnMissingBean(RateLimiter.class)
        LocalRateLimiter botDeliveryRateLimiter(BotDeliveryProperties properties, ObjectProvider<Clock> clock) {
            return new LocalRateLimiter(LocalRateLimiterConfig.of(properties.budgets().toRateBudgets()), clockOf(clock));
        }
    }

    /** One budget shared by every replica of the bot through Redis. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = REDIS_LIMITER)
    @ConditionalOnProperty(prefix = "bot-delivery", name = "limiter", havingValue = "redis")
    static class RedisLimiterConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(RateLimiter.class)
        RedisRateLimiter botDeliveryRateLimiter(BotDeliveryProperties properties, ObjectProvider<Clock> clock,
                                                ObjectProvider<MeterRegistry> registry) {
            return RedisRateLimiter.create(redisConfig(properties), clockOf(clock),
                    registry.getIfAvailable(() -> Metrics.globalRegistry));
        }

        /**
         * {@code redis://[user:password@]host:port[/db]} → the limiter's settings, as the example bot reads them; the keys
         * are named after the bot's numeric id (the part of the token before the colon), never the token.
         */
        static RedisRateLimiterConfig redisConfig(BotDeliveryProperties properties) {
            String token = requireToken(properties);
            BotDeliveryProperties.Redis redis = properties.redis();
            URI url = redis.url();
            if (url.getHost() == null || !("redis".equals(url.getScheme()) || "rediss".equals(url.getScheme()))) {
                throw new BotDeliveryConfigException("bot-delivery.redis.url", "must be redis://[user:password@]host:port[/db] "
                        + "or rediss://…, was " + redis.safeUrl(), "Fix the URL.");
            }
            RedisRateLimiterConfig.Builder b = RedisRateLimiterConfig.builder(token.substring(0, token.indexOf(':')))
                    .budgets(properties.budgets().toRateBudgets())
                    .outagePolicy(redis.outagePolicy() == RedisOutage.LOCAL_SHARE ? OutagePolicy.LOCAL_SHARE : OutagePolicy.FAIL_CLOSED)
                    .instanceCount(redis.instances());
            try {
                b.url(url);
            } catch (IllegalArgumentException e) {
                throw new BotDeliveryConfigException("bot-delivery.redis.url", e.getMessage(),
                        "End the URL with /<database number>, or with nothing for 0.");
            }
            return b.build();
        }
    }

    /** Deliveries in memory: the default, lost when the process ends. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(InMemoryRetryStore.class)
    @ConditionalOnProperty(prefix = "bot-delivery", name = "store", havingValue = "memory", matchIfMissing = true)
    static class MemoryStoreConfiguration {
        @Bean
        @ConditionalOnMissingBean(RetryStore.class)
        InMemoryRetryStore botDeliveryRetryStore() {
            return new InMemoryRetryStore();
        }
    }

    /** Deliveries in the application's PostgreSQL, in a schema of their own, on the application's pool. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = POSTGRES_STORE, value = DataSource.class)
    @ConditionalOnProperty(prefix = "bot-delivery", name = "store", havingValue = "postgres")
    static class PostgresStoreConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(RetryStore.class)
        PostgresRetryStore botDeliveryRetryStore(BotDeliveryProperties properties, ObjectProvider<DataSource> dataSource) {
            DataSource ds = dataSource.getIfUnique();
            if (ds == null) {
                throw new BotDeliveryConfigException("bot-delivery.store", "is postgres, and the store uses the "
                        + "application's DataSource, but there is no single DataSource bean",
                        "Add spring-boot-starter-jdbc and set spring.datasource.url to your PostgreSQL (or define one "
                                + "DataSource bean), or set bot-delivery.store=memory.");
            }
            return PostgresRetryStore.onDataSource(ds, properties.postgres().schema());
        }
    }

    // ---- what the properties mean for each adapter -------------------------------------------------------------

    static TelegramSenderConfig senderConfig(BotDeliveryProperties properties) {
        return TelegramSenderConfig.defaults(requireToken(properties))
                .withApiUrl(properties.apiUrl())
                .withMaxConcurrentRequests(maxConcurrentRequests(properties));
    }

    /** Every send the engine has on the wire needs a connection, and OkHttp's default per host is 5. */
    static int maxConcurrentRequests(BotDeliveryProperties properties) {
        return Math.max(64, properties.engine().toEngineConfig().sendCeiling());
    }

    static String requireToken(BotDeliveryProperties properties) {
        String token = properties.token();
        if (token == null || token.isBlank()) {
            throw new BotDeliveryConfigException("bot-delivery.token", "is not set",
                    "Set it to the token @BotFather gave the bot, from the environment (BOT_DELIVERY_TOKEN) or a "
                            + "secret store rather than a file in the repository.");
        }
        if (token.indexOf(':') < 1) {
            throw new BotDeliveryConfigException("bot-delivery.token", "does not look like a bot token (<bot id>:<secret>)",
                    "Copy the whole token @BotFather gave the bot.");
        }
        return token;
    }

    /** The limiter bean, or an error that says why there is none: the chosen adapter is not on the classpath. */
    static RateLimiter requireLimiter(ObjectProvider<RateLimiter> limiter, BotDeliveryProperties properties, ClassLoader classLoader) {
        RateLimiter l = limiter.getIfUnique();
        if (l != null) {
            return l;
        }
        if (properties.limiter() == LimiterChoice.REDIS && !ClassUtils.isPresent(REDIS_LIMITER, classLoader)) {
            throw new BotDeliveryConfigException("bot-delivery.limiter", "is redis, but io.botdelivery:limiter-redis "
                    + "is not on the classpath", "Add the dependency io.botdelivery:limiter-redis, or set bot-delivery.limiter=local.");
        }
        throw new BotDeliveryConfigException("bot-delivery.limiter", "is " + properties.limiter().name().toLowerCase(java.util.Locale.ROOT)
                + ", but no single RateLimiter bean exists (io.botdelivery:limiter-local excluded?)",
                "Put the limiter's module on the classpath, or define exactly one RateLimiter bean.");
    }

    /** The store bean, or an error that says why there is none. */
    static RetryStore requireStore(ObjectProvider<RetryStore> store, BotDeliveryProperties properties, ClassLoader classLoader) {
        RetryStore s = store.getIfUnique();
        if (s != null) {
            return s;
        }
        if (properties.store() == StoreChoice.POSTGRES && !ClassUtils.isPresent(POSTGRES_STORE, classLoader)) {
            throw new BotDeliveryConfigException("bot-delivery.store", "is postgres, but io.botdelivery:store-postgres "
                    + "is not on the classpath", "Add the dependency io.botdelivery:store-postgres, or set bot-delivery.store=memory.");
        }
        throw new BotDeliveryConfigException("bot-delivery.store", "is " + properties.store().name().toLowerCase(java.util.Locale.ROOT)
                + ", but no single RetryStore bean exists (io.botdelivery:store-memory excluded?)",
                "Put the store's module on the classpath, or define exactly one RetryStore bean.");
    }

    static Clock clockOf(ObjectProvider<Clock> clock) {
        return clock.getIfUnique(Clock::systemUTC);
    }
}
