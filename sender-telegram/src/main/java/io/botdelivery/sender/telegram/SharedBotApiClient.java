package io.botdelivery.sender.telegram;

import okhttp3.OkHttpClient;

/**
 * The one Bot API HTTP client of an injector's {@link TelegramSender} and {@link TelegramNotifier} (see
 * {@link SharedBotApiClientModule}): alerts go on the connections the sends keep open. A notifier on a client of its
 * own opens a new connection after every quiet spell, and an alert sent on it arrives a handshake after its slot, among
 * the next window's sends (a scenario run drew 2 × 429 that way). Built by the first adapter that joins, sized by its
 * configuration (a later one raises the dispatcher's limit to its own, {@link TelegramApi}); shut down when the last
 * adapter that joined closes, so neither closes it under the other.
 */
final class SharedBotApiClient {
    private OkHttpClient http;
    private int users;

    /** The client, built now if nobody uses it; the caller must {@link #leave()} once, when it closes. */
    synchronized OkHttpClient join(int maxConcurrentRequests) {
        if (http == null) {
            http = BotApiHttpClients.create(maxConcurrentRequests);
        }
        users++;
        return http;
    }

    /** One user is done with the client; the last one shuts it down. */
    synchronized void leave() {
        if (users == 0) {
            throw new IllegalStateException("left more often than joined");
        }
        if (--users == 0) {
            BotApiHttpClients.shutdown(http);
            http = null;
        }
    }

    synchronized int users() {
        return users;
    }
}
