package io.botdelivery.example.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.net.URI;
import java.util.Objects;

/**
 * The Bot API client the shop uses for what the engine does not send: the catalog with its buttons, invoices, answers
 * to queries, admin replies, and the health check's getMe. Points at the configured Bot API URL.
 */
public final class TelegramClientModule extends AbstractModule {
    private final BotConfig config;
    private final Secret token;

    public TelegramClientModule(BotConfig config, Secret token) {
        this.config = Objects.requireNonNull(config, "config");
        this.token = Objects.requireNonNull(token, "token");
    }

    @Provides
    @Singleton
    TelegramClient telegramClient() {
        return new OkHttpTelegramClient(token.value(), telegramUrl(config.apiUrl()));
    }

    @Provides
    @Singleton
    TelegramUrl url() {
        return telegramUrl(config.apiUrl());
    }

    /** {@code https://api.telegram.org} → TelegramUrl("https", "api.telegram.org", 443); the port defaults by scheme. */
    public static TelegramUrl telegramUrl(URI apiUrl) {
        String scheme = apiUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = apiUrl.getPort() != -1 ? apiUrl.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, apiUrl.getHost(), port, false);
    }
}
