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
        @DisplayName("binds exactly the Sender port, to one TelegramSender")
        void bindsSender() {
            TelegramSenderModule module = new TelegramSenderModule(CONFIG);
            assertThat(boundKeys(module)).containsExactly(Key.get(Sender.class));
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
        @DisplayName("binds exactly the Notifier port, to a TelegramNotifier using the graph's RateLimiter and Clock")
        void bindsNotifier() {
            TelegramNotifierModule module = new TelegramNotifierModule(TelegramNotifierConfig.of(CONFIG, 42L));
            assertThat(boundKeys(module)).containsExactly(Key.get(Notifier.class));
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
