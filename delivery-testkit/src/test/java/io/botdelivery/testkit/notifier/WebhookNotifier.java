package io.botdelivery.testkit.notifier;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.Notifier;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A Slack-style webhook notifier, as a user would write one, sound unless given a {@link Flaw}: the kit's
 * self-test runs the notifier kit on it and expects each flaw to fail the kit in a named test.
 */
final class WebhookNotifier implements Notifier {

    /** A careless adapter's mistake, one at a time. */
    enum Flaw {
        NONE,
        /** Logs a refused alert and returns normally, so the engine thinks the admin was told. */
        SWALLOWS_FAILURES,
        /** Sets no timeout: a backend that never answers holds the call (and every alert behind it) for ever. */
        NO_TIMEOUT,
        /** Checks only for 5xx: a 400 "invalid payload" passes for success. */
        CLIENT_ERRORS_ARE_SUCCESS,
        /** Formats every alert in one StringBuilder field, not thread-safe. */
        SHARED_BUFFER
    }

    private final URI uri;
    private final Flaw flaw;
    private final HttpClient http;
    private final StringBuilder sharedBuffer = new StringBuilder();

    WebhookNotifier(URI uri, Flaw flaw) {
        this.uri = uri;
        this.flaw = flaw;
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (flaw != Flaw.NO_TIMEOUT) {
            builder.connectTimeout(Duration.ofSeconds(2));
        }
        this.http = builder.build();
    }

    @Override
    public void deliveryFailed(Delivery failed) throws Exception {
        String text = flaw == Flaw.SHARED_BUFFER ? formatShared(failed) : format(failed);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(text));
        if (flaw != Flaw.NO_TIMEOUT) {
            // the whole call, connect included, must end within MAX_BLOCKING
            request.timeout(Notifier.MAX_BLOCKING.minusSeconds(1));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean failure = flaw == Flaw.CLIENT_ERRORS_ARE_SUCCESS ? response.statusCode() >= 500
                    : response.statusCode() / 100 != 2;
            if (failure) {
                throw new IOException("webhook answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            if (flaw != Flaw.SWALLOWS_FAILURES) {
                throw e;
            }
        }
    }

    private static String format(Delivery d) {
        return "Delivery " + d.id() + " to chat " + d.chatId() + " failed (reference "
                + (d.request().businessReference() == null ? "none" : d.request().businessReference()) + ", "
                + d.request().payload().kind() + ", " + d.attempts() + " attempts): " + d.lastError();
    }

    /** The same text built piece by piece in a buffer every thread shares. */
    private String formatShared(Delivery d) {
        sharedBuffer.setLength(0);
        sharedBuffer.append("Delivery ").append(d.id());
        Thread.yield();
        sharedBuffer.append(" to chat ").append(d.chatId());
        Thread.yield();
        sharedBuffer.append(" failed (reference ").append(d.request().businessReference()).append(", ")
                .append(d.request().payload().kind()).append(", ").append(d.attempts()).append(" attempts): ")
                .append(d.lastError());
        return sharedBuffer.toString();
    }

    @Override
    public void sendingHalted(String reason) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(4))
                .POST(HttpRequest.BodyPublishers.ofString("Sending halted: " + reason)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook answered " + response.statusCode());
        }
    }
}
