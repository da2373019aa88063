package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.botdelivery.simulator.BotApiCalls.Answer;
import io.botdelivery.simulator.SimulatedUpdates.WebhookAttempt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.botdelivery.simulator.BotApiCalls.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("The simulator's webhook delivery")
class WebhookDeliveryTest {
    private final TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder()
            .webhookRetryDelay(Duration.ofMillis(20)).build());
    private final BotApiCalls api = new BotApiCalls(telegram);
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    /** The status the receiving bot answers next; 200 unless a test says otherwise. */
    private final AtomicInteger answer = new AtomicInteger(200);
    private HttpServer bot;

    /** One POST as the bot's server saw it. */
    record Received(String method, String secret, String contentType, JsonNode update, int answered) {
        long updateId() {
            return update.get("update_id").asLong();
        }
    }

    @AfterEach
    void stop() {
        telegram.close();
        if (bot != null) {
            bot.stop(0);
        }
    }

    private String startBot() throws IOException {
        bot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        bot.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode update = BotApiCalls.JSON.readTree(in.readAllBytes());
                int status = answer.get();
                received.add(new Received(exchange.getRequestMethod(),
                        exchange.getRequestHeaders().getFirst(SimulatedUpdates.SECRET_HEADER),
                        exchange.getRequestHeaders().getFirst("Content-Type"), update, status));
                exchange.sendResponseHeaders(status, -1);
            } finally {
                exchange.close();
            }
        });
        bot.start();
        return "http://127.0.0.1:" + bot.getAddress().getPort() + "/hook";
    }

    private List<Long> receivedIds() {
        synchronized (received) {
            return received.stream().map(Received::updateId).toList();
        }
    }

    @Test
    @DisplayName("posts queued updates in order as JSON with the secret header, and removes each on a 2xx answer")
    void postsInOrderWithSecret() throws IOException {
        String url = startBot();
        long first = telegram.updates().userSends(11, "/start");
        long second = telegram.updates().userSends(12, "hello");
        assertThat(api.json("setWebhook", params("url", url, "secret_token", "s3cret_Token-1")).ok()).isTrue();
        long third = telegram.updates().userSends(11, "/buy pack");

        await().atMost(Duration.ofSeconds(10)).until(() -> receivedIds().size() == 3);
        assertThat(receivedIds()).containsExactly(first, second, third);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.secret()).isEqualTo("s3cret_Token-1");
            assertThat(r.contentType()).startsWith("application/json");
        });
        assertThat(received.get(2).update().get("message").get("text").asText()).isEqualTo("/buy pack");
        await().atMost(Duration.ofSeconds(5)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(telegram.updates().webhookAttempts()).extracting(WebhookAttempt::updateId).containsExactly(first, second, third);
        JsonNode info = api.json("getWebhookInfo", params()).result();
        assertThat(info.get("url").asText()).isEqualTo(url);
        assertThat(info.get("pending_update_count").asInt()).isZero();
        assertThat(info.has("last_error_message")).isFalse();
    }

    @Test
    @DisplayName("a webhook without a secret_token sends no secret header")
    void noSecretNoHeader() throws IOException {
        String url = startBot();
        assertThat(api.json("setWebhook", params("url", url)).ok()).isTrue();
        telegram.updates().userSends(11, "/start");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        assertThat(received.get(0).secret()).isNull();
    }

    @Test
    @DisplayName("a non-2xx answer keeps the update first in line and posts it again; nothing after it overtakes it")
    void retriesNon2xxInOrder() throws IOException {
        String url = startBot();
        answer.set(503);
        assertThat(api.json("setWebhook", params("url", url, "secret_token", "abc")).ok()).isTrue();
        long first = telegram.updates().userSends(11, "one");
        long second = telegram.updates().userSends(11, "two");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 3);

        JsonNode info = api.json("getWebhookInfo", params()).result();
        assertThat(info.get("pending_update_count").asInt()).isEqualTo(2);
        assertThat(info.get("last_error_message").asText()).isEqualTo("Wrong response from the webhook: 503 Service Unavailable");
        assertThat(info.get("last_error_date").asLong()).isPositive();
        assertThat(receivedIds()).as("only the oldest is tried while it fails").containsOnly(first);

        answer.set(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        List<Long> ids = receivedIds();
        assertThat(ids.subList(ids.size() - 2, ids.size())).containsExactly(first, second);
        assertThat(ids.stream().filter(id -> id == second).count()).as("the second, once").isEqualTo(1);
        assertThat(telegram.updates().webhookAttempts().stream().filter(WebhookAttempt::delivered).map(WebhookAttempt::updateId))
                .containsExactly(first, second);
    }

    @Test
    @DisplayName("an unreachable webhook is retried until the bot's server is up, and then gets every update")
    void retriesConnectionErrors() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertThat(api.json("setWebhook", params("url", "http://127.0.0.1:" + port + "/hook")).ok()).isTrue();
        long id = telegram.updates().userSends(11, "/start");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().webhookAttempts().size() >= 2);
        assertThat(telegram.updates().webhookAttempts()).allSatisfy(a -> assertThat(a.status()).isZero());
        assertThat(api.json("getWebhookInfo", params()).result().get("last_error_message").asText()).isEqualTo("Connection refused");

        bot = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        bot.createContext("/hook", exchange -> {
            received.add(new Received("POST", null, null, BotApiCalls.JSON.readTree(exchange.getRequestBody().readAllBytes()), 200));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        bot.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(receivedIds()).containsExactly(id);
    }

    @Test
    @DisplayName("getUpdates answers 409 while a webhook is set; deleteWebhook stops the posts and hands the queue back to getUpdates")
    void deleteWebhookBackToPolling() {
        assertThat(api.json("setWebhook", params("url", "http://127.0.0.1:9/hook")).ok()).isTrue();
        assertThat(api.json("getUpdates", params()).status()).isEqualTo(409);
        long id = telegram.updates().userSends(11, "/start");
        Answer deleted = api.json("deleteWebhook", params());
        assertThat(deleted.ok()).isTrue();
        assertThat(deleted.description()).isEqualTo("Webhook was deleted");
        assertThat(api.json("getWebhookInfo", params()).result().get("url").asText()).isEmpty();
        JsonNode updates = api.json("getUpdates", params()).result();
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).get("update_id").asLong()).isEqualTo(id);
    }

    @Test
    @DisplayName("drop_pending_updates empties the queue; allowed_updates drops the kinds not asked for")
    void dropPendingAndAllowedUpdates() throws IOException {
        telegram.updates().userSends(11, "old");
        assertThat(api.json("deleteWebhook", params("drop_pending_updates", true)).ok()).isTrue();
        assertThat(telegram.updates().pendingCount()).isZero();

        String url = startBot();
        assertThat(api.json("setWebhook", params("url", url, "allowed_updates", List.of("pre_checkout_query"))).ok()).isTrue();
        assertThat(api.json("getWebhookInfo", params()).result().get("allowed_updates").get(0).asText()).isEqualTo("pre_checkout_query");
        telegram.updates().userSends(11, "not asked for");
        telegram.updates().preCheckoutQuery(11, "XTR", 5, "product:guide");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).update().has("pre_checkout_query")).isTrue();
    }

    @Test
    @DisplayName("refuses a secret_token with characters Telegram does not allow, and a URL that is not http(s)")
    void refusesBadSettings() {
        Answer badSecret = api.json("setWebhook", params("url", "https://bot.example/hook", "secret_token", "has space"));
        assertThat(badSecret.status()).isEqualTo(400);
        assertThat(badSecret.description()).isEqualTo("Bad Request: secret token contains unallowed characters");
        assertThat(api.json("setWebhook", params("url", "ftp://bot.example/hook")).status()).isEqualTo(400);
        assertThat(telegram.updates().webhookUrl()).isEmpty();
    }
}
