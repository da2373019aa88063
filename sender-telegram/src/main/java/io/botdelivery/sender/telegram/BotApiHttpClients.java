package io.botdelivery.sender.telegram;

import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP client the Bot API's calls go through, for an application that gives one client to the sender, the notifier
 * and its own {@code TelegramClient} (so that all of them find the connections the others opened: a call on a new
 * connection arrives a handshake after its slot). The sender builds its own the same way when given none.
 */
public final class BotApiHttpClients {
    private BotApiHttpClients() {
    }

    /**
     * A client that runs up to {@code maxConcurrentRequests} calls at once and keeps as many idle connections for
     * {@link TelegramSenderConfig#IDLE_CONNECTION_KEEP_ALIVE}; close it with {@link #shutdown}.
     */
    public static OkHttpClient create(int maxConcurrentRequests) {
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be positive: " + maxConcurrentRequests);
        }
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxConcurrentRequests);
        dispatcher.setMaxRequestsPerHost(maxConcurrentRequests);
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(maxConcurrentRequests,
                        TelegramSenderConfig.IDLE_CONNECTION_KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
                .build();
    }

    /** Stops {@code http}'s dispatcher threads and closes its idle connections. */
    public static void shutdown(OkHttpClient http) {
        Objects.requireNonNull(http, "http");
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
