package io.botdelivery.sender.telegram;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.spi.Element;
import com.google.inject.spi.Elements;
import com.google.inject.spi.ProviderInstanceBinding;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiterConfig;
import io.botdelivery.limiter.local.LocalRateLimiterModule;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@DisplayName("The Guice modules and their configuration")
class TelegramModulesTest {
    private static final String TOKEN = "123456:AAexampleTokenForModuleTests0000000";
    /** Nothing listens there: building the graph must not connect. */
    private static final TelegramSenderConfig CONFIG = TelegramSenderConfig.defaults(TOKEN)
            .withApiUrl(URI.create("http://127.0.0.1:9"));

    private static Set<Key<?>> boundKeys(com.google.inject.Module module) {
        List<Element> elements = Elements.getElements(module);
        return elements.stream().filter(e -> e instanceof ProviderInstanceBinding<?>)
                .map(e -> ((ProviderInstanceBinding<?>) e).getKey()).collect(Collectors.toSet());
    }

    @Nested
    @DisplayName("TelegramSenderModule")
    class SenderModule {
        @Test
        @DisplayName("binds exactly the Sender port, to one TelegramSender, and the HTTP client it shares with the notifier")
        void bindsSender() {
            TelegramSenderModule module = new TelegramSenderModule(CONFIG);
            assertThat(boundKeys(module)).containsExactlyInAnyOrder(Key.get(Sender.class), Key.get(SharedBotApiClient.class));
            Injector injector = Guice.createInjector(module);
            Sender sender = injector.getInstance(Sender.class);
            assertThat(sender).isInstanceOf(TelegramSender.class).isSameAs(injector.getInstance(Sender.class));
            ((TelegramSender) sender).close();
        }
    }

    @Nested
    @DisplayName("TelegramNotifierModule")
    class NotifierModule {
        @Test
        @DisplayName("binds exactly the Notifier port, to a TelegramNotifier using the graph's RateLimiter and Clock, and the HTTP client it shares with the sender")
        void bindsNotifier() {
            TelegramNotifierModule module = new TelegramNotifierModule(TelegramNotifierConfig.of(CONFIG, 42L));
            assertThat(boundKeys(module)).containsExactlyInAnyOrder(Key.get(Notifier.class), Key.get(SharedBotApiClient.class));
            Injector injector = Guice.createInjector(module,
                    new LocalRateLimiterModule(LocalRateLimiterConfig.of(RateBudgets.telegramDefaults())),
                    new AbstractModule() {
                        @Override
                        protected void configure() {
                            bind(Clock.class).toInstance(Clock.systemUTC());
                        }
                    });
            Notifier notifier = injector.getInstance(Notifier.class);
            assertThat(notifier).isInstanceOf(TelegramNotifier.class).isSameAs(injector.getInstance(Notifier.class));
            ((TelegramNotifier) notifier).close();
        }
    }

    @Nested
    @DisplayName("TelegramSenderModule and TelegramNotifierModule in one injector")
    class BothModules {
        private final TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().build());

        @AfterEach
        void stop() {
            telegram.close();
        }

        @Test
        @DisplayName("alerts go on the sends' connections, and the client stays open until the last of the two closes")
        void shareOneClient() throws Exception {
            TelegramSenderConfig config = TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl());
            Injector injector = Guice.createInjector(new TelegramSenderModule(config),
                    new TelegramNotifierModule(TelegramNotifierConfig.of(config, 42L)),
                    new LocalRateLimiterModule(LocalRateLimiterConfig.of(RateBudgets.telegramDefaults())),
                    binder -> binder.bind(Clock.class).toInstance(Clock.systemUTC()));
            TelegramSender sender = (TelegramSender) injector.getInstance(Sender.class);
            TelegramNotifier notifier = (TelegramNotifier) injector.getInstance(Notifier.class);
            SharedBotApiClient client = injector.getInstance(SharedBotApiClient.class);
            assertThat(client.users()).isEqualTo(2);

            assertThat(sender.send(new SendRequest(DeliveryId.random(), 9500, Payload.text("a send"), false, 1)))
                    .isInstanceOf(SendOutcome.Delivered.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.spareConnectionsOpening() == 0);
            int opened = telegram.record().connections();
            notifier.sendingHalted("an alert");
            // a notifier on a client of its own would have opened a connection for the alert
            assertThat(telegram.record().connections()).isEqualTo(opened);

            sender.close();
            sender.close(); // a second close must not count as the notifier's
            assertThat(client.users()).isEqualTo(1);
            notifier.sendingHalted("an alert after the sender closed");
            assertThat(telegram.record().acceptedIn(42)).hasSize(2);
            notifier.close();
            assertThat(client.users()).isZero();
        }
    }

    @Nested
    @DisplayName("TelegramSenderConfig")
    class SenderConfig {
        @Test
        @DisplayName("defaults to Telegram's API with the documented timeouts and sizes")
        void defaults() {
            TelegramSenderConfig config = TelegramSenderConfig.defaults(TOKEN);
            assertThat(config.apiUrl()).isEqualTo(URI.create("https://api.telegram.org"));
            assertThat(config.port()).isEqualTo(443);
            assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(config.writeTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(config.maxConcurrentRequests()).isEqualTo(64);
            assertThat(config.fileIdCacheSize()).isEqualTo(10_000);
        }

        @Test
        @DisplayName("refuses what cannot work, naming the key")
        void refuses() {
            assertThatThrownBy(() -> TelegramSenderConfig.defaults(" ")).hasMessageContaining("telegram.token");
            assertThatThrownBy(() -> CONFIG.withApiUrl(URI.create("http://127.0.0.1:8081/custom/path")))
                    .hasMessageContaining("telegram.apiUrl");
            assertThatThrownBy(() -> CONFIG.withApiUrl(URI.create("ftp://example.com"))).hasMessageContaining("telegram.apiUrl");
            assertThatThrownBy(() -> CONFIG.withMaxConcurrentRequests(0)).hasMessageContaining("maxConcurrentRequests");
            assertThatThrownBy(() -> CONFIG.withFileIdCacheSize(-1)).hasMessageContaining("fileIdCacheSize");
        }

        @Test
        @DisplayName("never shows the token")
        void masksToken() {
            assertThat(CONFIG.toString()).contains("123456:***").doesNotContain("AAexampleToken");
        }
    }

    @Nested
    @DisplayName("TelegramNotifierConfig")
    class NotifierConfig {
        @Test
        @DisplayName("needs at least one admin chat, waits 4 s for a slot by default and never past Notifier.MAX_BLOCKING")
        void admins() {
            assertThat(TelegramNotifierConfig.of(CONFIG, 1L, 2L).maxWait()).isEqualTo(Duration.ofSeconds(4));
            assertThatThrownBy(() -> TelegramNotifierConfig.of(CONFIG, 1L).withMaxWait(Duration.ofSeconds(30)))
                    .hasMessageContaining("telegram.notifier.maxWait");
            assertThatThrownBy(() -> TelegramNotifierConfig.of(CONFIG)).hasMessageContaining("telegram.adminChatIds");
            assertThatThrownBy(() -> TelegramNotifierConfig.of(CONFIG, 0L)).hasMessageContaining("must not contain 0");
        }
    }
}
