package io.botdelivery.example.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.sender.telegram.BotApiHttpClients;
import io.botdelivery.sender.telegram.DeliveringTelegramClient;
import io.botdelivery.sender.telegram.TelegramSender;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The bot's one HTTP client for its token, and the Bot API clients on it.
 *
 * <p>{@link OkHttpClient}: the only one this bot builds. The sender, the notifier (see {@link AdapterModules}) and the
 * long polling ({@link #pollingClient}) derive theirs from it with {@link OkHttpClient#newBuilder()}, which shares its
 * connection pool and dispatcher: one set of connections to the Bot API and one set of threads, whatever each part
 * needs for timeouts and retries. {@code BotRuntime} releases it last.
 *
 * <p>{@link TelegramClient}: TelegramBots' plain client on it, for what is not a message (getMe at start and in the
 * health check: neither should wait behind the engine). {@link DeliveringTelegramClient}: the same client wrapped, for
 * the shop's replies; every message it sends goes through the engine.
 */
public final class TelegramClientModule extends AbstractModule {
    /** As TelegramBots' own long-polling client: enough calls and idle connections for a busy bot. */
    private static final int MAX_REQUESTS = 100;

    private final BotConfig config;
    private final Secret token;

    public TelegramClientModule(BotConfig config, Secret token) {
        this.config = Objects.requireNonNull(config, "config");
        this.token = Objects.requireNonNull(token, "token");
    }

    @Provides
    @Singleton
    OkHttpClient http() {
        return BotApiHttpClients.create(MAX_REQUESTS);
    }

    @Provides
    @Singleton
    TelegramClient telegramClient(OkHttpClient http) {
        return new OkHttpTelegramClient(http, token.value(), telegramUrl(config.apiUrl()));
    }

    /** The shop's replies: messages through the engine (limiter, chat order, retries), answers to queries passed on. */
    @Provides
    @Singleton
    DeliveringTelegramClient deliveringClient(TelegramClient plain, DeliveryEngine engine, Sender sender,
                                              RateLimiter limiter, EngineConfig engineConfig) {
        if (!(sender instanceof TelegramSender telegram)) {
            throw new IllegalStateException("the shop's replies need the engine's TelegramSender (it keeps Telegram's "
                    + "answers for the caller); the bound sender is " + sender);
        }
        // its direct sends (new uploads) pause for a 429 what the engine would
        return DeliveringTelegramClient.wrap(plain, engine, telegram, limiter)
                .withRetryAfterScope(engineConfig.retryAfterScope());
    }

    @Provides
    @Singleton
    TelegramUrl url() {
        return telegramUrl(config.apiUrl());
    }

    /**
     * The update loop's client: {@code http}'s connections and interceptors, with timeouts longer than one getUpdates
     * call may wait ({@code pollTimeout}), so an empty poll is not taken for a dead connection, and a dispatcher of its
     * own: a poll is a synchronous call (that dispatcher starts no thread), and cancelling it must not cancel the
     * engine's sends on the shared dispatcher.
     */
    public static OkHttpClient pollingClient(OkHttpClient http, Duration pollTimeout) {
        return http.newBuilder()
                .dispatcher(new Dispatcher())
                .readTimeout(pollTimeout.plusSeconds(15))
                .callTimeout(pollTimeout.plusSeconds(30))
                .build();
    }

    /** {@code https://api.telegram.org} → TelegramUrl("https", "api.telegram.org", 443); the port defaults by scheme. */
    public static TelegramUrl telegramUrl(URI apiUrl) {
        String scheme = apiUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = apiUrl.getPort() != -1 ? apiUrl.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, apiUrl.getHost(), port, false);
    }
}
