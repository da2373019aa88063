package io.botdelivery.spring.boot;

import io.botdelivery.sender.telegram.BotApiHttpClients;
import okhttp3.OkHttpClient;

import java.util.Objects;

/**
 * The Bot API HTTP client the starter gives its {@code TelegramSender} and {@code TelegramNotifier}, so alerts go on
 * the connections the sends keep open (an alert on a connection of its own arrives a handshake after its slot, among
 * the next window's sends, and can draw a 429). An application that calls the Bot API itself (answers, long polling)
 * can take {@link #okHttp()} for its own {@code OkHttpTelegramClient}: one client per token. Spring closes it after the
 * adapters, which depend on it.
 */
public final class BotDeliveryHttpClient implements AutoCloseable {
    private final OkHttpClient okHttp;

    BotDeliveryHttpClient(OkHttpClient okHttp) {
        this.okHttp = Objects.requireNonNull(okHttp, "okHttp");
    }

    /** The client; its connections and threads belong to this bean: do not shut it down yourself. */
    public OkHttpClient okHttp() {
        return okHttp;
    }

    @Override
    public void close() {
        BotApiHttpClients.shutdown(okHttp);
    }
}
