package io.botdelivery.spring.boot;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.ChatOrder;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.RetryPolicy;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.limiter.redis.OutagePolicy;
import io.botdelivery.limiter.redis.RedisRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.botdelivery.sender.telegram.TelegramNotifier;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramNotifierConfig;
import io.botdelivery.spring.boot.BotDeliveryProperties.LimiterChoice;
import io.botdelivery.spring.boot.BotDeliveryProperties.RedisOutage;
import io.botdelivery.spring.boot.BotDeliveryProperties.StoreChoice;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BotDeliveryAutoConfigurationTest {

    static final String TOKEN = "7000000001:AAsimulatedTokenThatIsNotReal_0123456";

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BotDeliveryAutoConfiguration.class, BotDeliveryHealthAutoConfiguration.class))
            // a Bot API nobody listens on: these tests never reach Telegram
            .withPropertyValues("bot-delivery.token=" + TOKEN, "bot-delivery.api-url=http://127.0.0.1:9");

    @Nested
    @DisplayName("Properties")
    class Properties {

        @Test
        @DisplayName("with only the token set, every other setting is the engine's, Telegram's or the example bot's default")
        void defaults() {
            runner.run(context -> {
                BotDeliveryProperties p = context.getBean(BotDeliveryProperties.class);
                assertThat(p.apiUrl()).isEqualTo(URI.create("http://127.0.0.1:9"));
                assertThat(p.adminChatIds()).isEmpty();
                assertThat(p.limiter()).isEqualTo(LimiterChoice.LOCAL);
                assertThat(p.store()).isEqualTo(StoreChoice.MEMORY);
                assertThat(p.redis().url()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
                assertThat(p.redis().outagePolicy()).isEqualTo(RedisOutage.FAIL_CLOSED);
                assertThat(p.redis().instances()).isEqualTo(1);
                assertThat(p.postgres().schema()).isEqualTo("bot_delivery");
                assertThat(p.notifier().maxWait()).isEqualTo(TelegramNotifierConfig.DEFAULT_MAX_WAIT);
                assertThat(p.budgets().toRateBudgets()).isEqualTo(RateBudgets.telegramDefaults()
                        .withArrivalMargins(Duration.ofMillis(50), Duration.ofMillis(250)));
                EngineConfig engine = context.getBean(EngineConfig.class);
                assertThat(engine).isEqualTo(EngineConfig.defaults().withWorkerId(engine.workerId()));
            });
        }

        @Test
        @DisplayName("Telegram's API is the default URL")
        void telegramIsTheDefaultApi() {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(BotDeliveryAutoConfiguration.class))
                    .withPropertyValues("bot-delivery.token=" + TOKEN)
                    .run(context -> assertThat(context.getBean(BotDeliveryProperties.class).apiUrl())
                            .isEqualTo(URI.create("https://api.telegram.org")));
        }

        @Test
        @DisplayName("every key maps to its setting")
        void fullMapping() {
            runner.withPropertyValues(
                    "bot-delivery.admin-chat-ids=11,-22",
                    "bot-delivery.budgets.global-per-second=20",
                    "bot-delivery.budgets.private-chat-per-second=2",
                    "bot-delivery.budgets.group-per-minute=10",
                    "bot-delivery.budgets.paid-broadcast-per-second=500",
                    "bot-delivery.budgets.arrival-margin=10ms",
                    "bot-delivery.budgets.chat-arrival-margin=0ms",
                    "bot-delivery.engine.worker-id=replica-1",
                    "bot-delivery.engine.max-attempts=4",
                    "bot-delivery.engine.max-inline-wait=20s",
                    "bot-delivery.engine.reserve-horizon=2s",
                    "bot-delivery.engine.lease-length=90s",
                    "bot-delivery.engine.max-concurrent-sends=8",
                    "bot-delivery.engine.max-buffered=500",
                    "bot-delivery.engine.max-queued-per-chat=5",
                    "bot-delivery.engine.poll-interval=250ms",
                    "bot-delivery.engine.claim-batch=50",
                    "bot-delivery.engine.retry-after-margin=2s",
                    "bot-delivery.engine.fatal-pause=5m",
                    "bot-delivery.engine.shutdown-grace=3s",
                    "bot-delivery.engine.weight-albums-by-items=false",
                    "bot-delivery.engine.max-redirects=1",
                    "bot-delivery.engine.late-send-tolerance=5ms",
                    "bot-delivery.engine.retry-after-scope=as-reported",
                    "bot-delivery.engine.finished-retention=3d",
                    "bot-delivery.engine.chat-order=paid-first",
                    "bot-delivery.notifier.max-wait=5s",
                    "bot-delivery.postgres.schema=deliveries").run(context -> {
                BotDeliveryProperties p = context.getBean(BotDeliveryProperties.class);
                assertThat(p.adminChatIds()).containsExactly(11L, -22L);
                assertThat(p.notifier().maxWait()).isEqualTo(Duration.ofSeconds(5));
                assertThat(p.postgres().schema()).isEqualTo("deliveries");
                assertThat(p.budgets().toRateBudgets()).isEqualTo(new RateBudgets(Budget.perSecond(20), Budget.perSecond(2),
                        Budget.of(10, Duration.ofMinutes(1)), Budget.perSecond(500))
                        .withArrivalMargins(Duration.ofMillis(10), Duration.ZERO));
                assertThat(context.getBean(EngineConfig.class)).isEqualTo(new EngineConfig("replica-1",
                        RetryPolicy.defaults().withMaxAttempts(4), Duration.ofSeconds(20), Duration.ofSeconds(2),
                        Duration.ofSeconds(90), 8, 500, 5, Duration.ofMillis(250), 50, Duration.ofSeconds(2),
                        Duration.ofMinutes(5), Duration.ofSeconds(3), false, 1, Duration.ofMillis(5),
                        RetryAfterScopePolicy.AS_REPORTED, Duration.ofDays(3), ChatOrder.PAID_FIRST));
            });
        }

        @Test
        @DisplayName("the token and the Redis password never show in the properties' toString")
        void secretsAreNotPrinted() {
            runner.withPropertyValues("bot-delivery.redis.url=redis://bot:s3cret@redis.internal:6380/2").run(context -> {
                String printed = context.getBean(BotDeliveryProperties.class).toString();
                assertThat(printed).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(TOKEN.indexOf(':') + 1))
                        .doesNotContain("s3cret").contains("redis.internal:6380/2");
            });
        }
    }

    @Nested
    @DisplayName("Beans")
    class Beans {

        @Test
        @DisplayName("the engine is the DeliveryService bean, on Telegram's sender, the local limiter and the memory store, and it runs")
        void defaultBeans() {
            runner.run(context -> {
                assertThat(context).hasSingleBean(DeliveryEngine.class).hasSingleBean(io.botdelivery.api.DeliveryService.class);
                assertThat(context.getBean(Sender.class)).isInstanceOf(TelegramSender.class);
                assertThat(context.getBean(RateLimiter.class)).isInstanceOf(LocalRateLimiter.class);
                assertThat(context.getBean(RetryStore.class)).isInstanceOf(InMemoryRetryStore.class);
                assertThat(context.getBean(DeliveryEngineLifecycle.class).isRunning()).isTrue();
            });
        }

        @Test
        @DisplayName("admins get a Telegram notifier sharing the engine's limiter; without admins failures are only logged")
        void notifier() {
            runner.run(context -> assertThat(context.getBean(Notifier.class)).isNotInstanceOf(TelegramNotifier.class));
            runner.withPropertyValues("bot-delivery.admin-chat-ids=42")
                    .run(context -> assertThat(context.getBean(Notifier.class)).isInstanceOf(TelegramNotifier.class));
        }

        @Test
        @DisplayName("the Telegram sender and notifier send on one HTTP client, shut down with the context")
        void oneHttpClient() {
            TelegramSimulator telegram = TelegramSimulator.start();
            try {
                BotDeliveryHttpClient[] shared = new BotDeliveryHttpClient[1];
                runner.withPropertyValues("bot-delivery.token=" + telegram.token(), "bot-delivery.api-url=" + telegram.baseUrl(),
                        "bot-delivery.admin-chat-ids=42").run(context -> {
                    shared[0] = context.getBean(BotDeliveryHttpClient.class);
                    assertThat(context.getBean(Sender.class).send(new SendRequest(DeliveryId.random(), 5_001,
                            Payload.text("a send"), false, 1))).isInstanceOf(SendOutcome.Delivered.class);
                    context.getBean(Notifier.class).sendingHalted("an alert");
                    assertThat(telegram.record().acceptedIn(42)).hasSize(1);
                    // every connection Telegram saw is in the one pool: an alert on a client of its own would not be
                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            shared[0].okHttp().connectionPool().connectionCount() == telegram.record().connections());
                });
                assertThat(shared[0].okHttp().dispatcher().executorService().isShutdown()).isTrue();
            } finally {
                telegram.close();
            }
        }

        @Test
        @DisplayName("the engine's meters go to the application's MeterRegistry")
        void metersOnTheApplicationsRegistry() {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            runner.withBean(SimpleMeterRegistry.class, () -> registry).run(context ->
                    assertThat(registry.find("delivery.submitted").counter()).isNotNull());
        }

        @Test
        @DisplayName("the application's own limiter, store, sender, notifier and engine settings replace the starter's")
        void backsOff() {
            List<SendRequest> sent = new CopyOnWriteArrayList<>();
            Sender recording = request -> {
                sent.add(request);
                return new SendOutcome.Delivered(List.of(1L));
            };
            RateLimiter limiter = new LocalRateLimiter(RateBudgets.telegramDefaults(), java.time.Clock.systemUTC());
            RetryStore store = new InMemoryRetryStore();
            Notifier notifier = Notifier.none();
            EngineConfig config = EngineConfig.defaults().withWorkerId("mine");
            // no token: a sender and a notifier of one's own need none
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(BotDeliveryAutoConfiguration.class))
                    .withBean(Sender.class, () -> recording)
                    .withBean(RateLimiter.class, () -> limiter)
                    .withBean(RetryStore.class, () -> store)
                    .withBean(Notifier.class, () -> notifier)
                    .withBean(EngineConfig.class, () -> config)
                    .run(context -> {
                        assertThat(context).hasSingleBean(Sender.class).hasSingleBean(RateLimiter.class)
                                .hasSingleBean(RetryStore.class).hasSingleBean(Notifier.class).hasSingleBean(EngineConfig.class);
                        DeliveryEngine engine = context.getBean(DeliveryEngine.class);
                        assertThat(engine.config().workerId()).isEqualTo("mine");
                        engine.submit(DeliveryRequest.builder(7, Payload.text("hello")).build());
                        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);
                        assertThat(store.summary().total()).isEqualTo(1);
                    });
        }

        @Test
        @DisplayName("an engine of the application's own is used as it is, and still started and closed with the context")
        void ownEngine() {
            DeliveryEngine mine = DeliveryEngine.builder().store(new InMemoryRetryStore())
                    .limiter(new LocalRateLimiter(RateBudgets.telegramDefaults(), java.time.Clock.systemUTC()))
                    .sender(request -> new SendOutcome.Delivered(List.of(1L))).build();
            runner.withBean(DeliveryEngine.class, () -> mine).run(context -> {
                assertThat(context.getBean(DeliveryEngine.class)).isSameAs(mine);
                assertThat(context.getBean(DeliveryEngineLifecycle.class).isRunning()).isTrue();
            });
        }
    }

    @Nested
    @DisplayName("Start-up errors")
    @ExtendWith(OutputCaptureExtension.class)
    class StartupErrors {

        @Test
        @DisplayName("a missing token stops start-up with the key and what to do")
        void missingToken() {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(BotDeliveryAutoConfiguration.class))
                    .run(context -> {
                        assertThat(context).hasFailed();
                        Throwable failure = context.getStartupFailure();
                        assertThat(failure).rootCause().isInstanceOf(BotDeliveryConfigException.class)
                                .hasMessageStartingWith("bot-delivery.token: is not set.");
                        FailureAnalysis analysis = new BotDeliveryFailureAnalyzer().analyze(failure);
                        assertThat(analysis.getDescription()).isEqualTo("bot-delivery could not start: bot-delivery.token: is not set.");
                        assertThat(analysis.getAction()).contains("@BotFather");
                    });
        }

        @Test
        @DisplayName("a token without the bot id is refused before anything connects")
        void malformedToken() {
            runner.withPropertyValues("bot-delivery.token=not-a-token").run(context ->
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BotDeliveryConfigException.class)
                            .hasMessageContaining("bot-delivery.token: does not look like a bot token")
                            .hasMessageNotContaining("not-a-token"));
        }

        @Test
        @DisplayName("a Spring Boot application without a token fails with a report naming the key and the action, no stack trace")
        void failureReport(CapturedOutput output) {
            SpringApplication app = new SpringApplication(TokenlessApp.class);
            app.setWebApplicationType(WebApplicationType.NONE);
            assertThatThrownBy(app::run).hasRootCauseInstanceOf(BotDeliveryConfigException.class);
            assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                    .contains("bot-delivery could not start: bot-delivery.token: is not set.")
                    .contains("Action:");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(BotDeliveryAutoConfiguration.class)
    static class TokenlessApp {
    }

    @Nested
    @DisplayName("Choosing the limiter")
    class LimiterChoiceTest {

        @Test
        @DisplayName("limiter=redis builds the Redis limiter from the URL (it connects on first use, so no Redis is needed here)")
        void redis() {
            runner.withPropertyValues("bot-delivery.limiter=redis", "bot-delivery.redis.url=redis://bot:s3cret@127.0.0.1:1/3",
                    "bot-delivery.redis.outage-policy=local-share", "bot-delivery.redis.instances=3").run(context -> {
                assertThat(context.getBean(RateLimiter.class)).isInstanceOf(RedisRateLimiter.class);
                RedisRateLimiterConfig config = BotDeliveryAutoConfiguration.RedisLimiterConfiguration
                        .redisConfig(context.getBean(BotDeliveryProperties.class));
                assertThat(config.botId()).isEqualTo("7000000001");
                assertThat(config.address()).isEqualTo("redis://127.0.0.1:1");
                assertThat(config.username()).isEqualTo(Optional.of("bot"));
                assertThat(config.password()).isEqualTo(Optional.of("s3cret"));
                assertThat(config.database()).isEqualTo(3);
                assertThat(config.outagePolicy()).isEqualTo(OutagePolicy.LOCAL_SHARE);
                assertThat(config.instanceCount()).isEqualTo(3);
            });
        }

        @Test
        @DisplayName("limiter=redis without limiter-redis on the classpath says which dependency to add")
        void redisMissing() {
            runner.withClassLoader(new FilteredClassLoader(RedisRateLimiter.class))
                    .withPropertyValues("bot-delivery.limiter=redis").run(context ->
                            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BotDeliveryConfigException.class)
                                    .hasMessageContaining("bot-delivery.limiter: is redis, but io.botdelivery:limiter-redis is not on the classpath"));
        }

        @Test
        @DisplayName("an unknown choice is a binding error naming the key")
        void unknownChoice() {
            runner.withPropertyValues("bot-delivery.limiter=memcached").run(context ->
                    assertThat(context.getStartupFailure()).hasMessageContaining("bot-delivery"));
        }
    }

    @Nested
    @DisplayName("Choosing the store")
    class StoreChoiceTest {

        @Test
        @DisplayName("store=postgres without store-postgres on the classpath says which dependency to add")
        void postgresMissing() {
            runner.withClassLoader(new FilteredClassLoader(PostgresRetryStore.class))
                    .withPropertyValues("bot-delivery.store=postgres").run(context ->
                            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BotDeliveryConfigException.class)
                                    .hasMessageContaining("bot-delivery.store: is postgres, but io.botdelivery:store-postgres is not on the classpath"));
        }

        @Test
        @DisplayName("store=postgres without a DataSource says how to get one")
        void noDataSource() {
            runner.withPropertyValues("bot-delivery.store=postgres").run(context ->
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(BotDeliveryConfigException.class)
                            .hasMessageContaining("there is no single DataSource bean")
                            .hasMessageContaining("spring.datasource.url"));
        }
    }

    @Nested
    @DisplayName("Health")
    class HealthTest {

        @Test
        @DisplayName("UP with the store's counts while the engine runs, DOWN once it stopped")
        void upThenDown() {
            runner.run(context -> {
                HealthIndicator indicator = context.getBean("botDeliveryHealthIndicator", HealthIndicator.class);
                Health up = indicator.health();
                assertThat(up.getStatus()).isEqualTo(Status.UP);
                assertThat(up.getDetails()).containsEntry("engine", "running").containsEntry("store", "reachable")
                        .containsKey("deliveries");
                context.getBean(DeliveryEngineLifecycle.class).stop();
                assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
            });
        }

        @Test
        @DisplayName("DOWN naming the store when the store does not answer")
        void storeDown() {
            // a store whose server is gone: every call fails as PostgresRetryStore's do
            RetryStore unreachable = (RetryStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {RetryStore.class}, (proxy, method, args) -> {
                        throw new io.botdelivery.core.spi.RetryStoreException("PostgreSQL at db:5432 is unreachable", null);
                    });
            runner.run(context -> {
                HealthIndicator indicator = new BotDeliveryHealthIndicator(context.getBean(DeliveryEngine.class),
                        context.getBean(DeliveryEngineLifecycle.class), unreachable);
                Health down = indicator.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails().get("store").toString()).startsWith("unreachable: PostgreSQL at db:5432 is unreachable");
            });
        }

        @Test
        @DisplayName("management.health.bot-delivery.enabled=false leaves it out")
        void canBeDisabled() {
            runner.withPropertyValues("management.health.bot-delivery.enabled=false")
                    .run(context -> assertThat(context).doesNotHaveBean("botDeliveryHealthIndicator"));
        }
    }
}
