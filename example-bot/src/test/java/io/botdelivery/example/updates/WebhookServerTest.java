package io.botdelivery.example.updates;

import io.botdelivery.example.config.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.Update;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The webhook server")
class WebhookServerTest {
    private static final String SECRET = "s3cret_webhook-Token";
    private static final String PATH = "/telegram/webhook";
    private static final String UPDATE = """
            {"update_id": 100042, "message": {"message_id": 7, "date": 1767225600,
              "chat": {"id": 4242, "type": "private", "first_name": "Ann"},
              "from": {"id": 4242, "is_bot": false, "first_name": "Ann"},
              "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}""";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Update> handled = new CopyOnWriteArrayList<>();
    private WebhookServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ZERO);
        }
    }

    /** Starts a server whose handler records the update and answers with {@code outcome}. */
    private void start(Function<Update, CompletableFuture<?>> outcome) throws IOException {
        server = WebhookServer.start(new WebhookServer.Settings("127.0.0.1", 0, PATH, new Secret(SECRET), 4, Duration.ofMillis(300)),
                update -> {
                    handled.add(update);
                    return outcome.apply(update);
                });
    }

    private HttpResponse<String> send(String method, String path, String secret, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header(WebhookServer.SECRET_HEADER, secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("hands an authentic update, parsed as TelegramBots parses getUpdates, to the handler and answers 200 once it is handled")
    void authenticUpdate() throws Exception {
        start(u -> CompletableFuture.completedFuture(null));
        HttpResponse<String> answer = send("POST", PATH, SECRET, UPDATE);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(handled).singleElement().satisfies(u -> {
            assertThat(u.getUpdateId()).isEqualTo(100042);
            assertThat(u.getMessage().getText()).isEqualTo("/start");
            assertThat(u.getMessage().getChatId()).isEqualTo(4242L);
            assertThat(u.getMessage().getEntities()).singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo("bot_command"));
        });
    }

    @ParameterizedTest(name = "secret header {0}")
    @ValueSource(strings = {"missing", "wrong", "a prefix of the right one", "the right one plus more"})
    @DisplayName("answers 401 and hands nothing to the handler without the right secret")
    void wrongSecret(String which) throws Exception {
        start(u -> CompletableFuture.completedFuture(null));
        String secret = switch (which) {
            case "missing" -> null;
            case "wrong" -> "not-the-secret";
            case "a prefix of the right one" -> SECRET.substring(0, 5);
            default -> SECRET + "x";
        };
        assertThat(send("POST", PATH, secret, UPDATE).statusCode()).isEqualTo(401);
        assertThat(handled).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET", "PUT", "DELETE", "HEAD"})
    @DisplayName("answers 405 to any method but POST, even with the secret, and handles nothing")
    void postOnly(String method) throws Exception {
        start(u -> CompletableFuture.completedFuture(null));
        HttpResponse<String> answer = send(method, PATH, SECRET, method.equals("GET") || method.equals("HEAD") ? null : UPDATE);
        assertThat(answer.statusCode()).isEqualTo(405);
        assertThat(answer.headers().firstValue("Allow")).hasValue("POST");
        assertThat(handled).isEmpty();
    }

    @Test
    @DisplayName("answers 404 on another path and 400 to a body that is not an update, handling nothing")
    void wrongPathOrBody() throws Exception {
        start(u -> CompletableFuture.completedFuture(null));
        assertThat(send("POST", PATH + "x", SECRET, UPDATE).statusCode()).isEqualTo(404);
        assertThat(send("POST", PATH, SECRET, "{\"update_id\": \"not a number\"").statusCode()).isEqualTo(400);
        assertThat(handled).isEmpty();
    }

    @Test
    @DisplayName("answers 503 when the update was not handled (e.g. the paid pack could not be stored), so Telegram sends it again")
    void notHandled() throws Exception {
        start(u -> CompletableFuture.failedFuture(new IllegalStateException("the store failed 5 times")));
        assertThat(send("POST", PATH, SECRET, UPDATE).statusCode()).isEqualTo(503);
        assertThat(handled).hasSize(1);
    }

    @Test
    @DisplayName("answers 503 when the handling does not finish within the timeout")
    void tooSlow() throws Exception {
        start(u -> new CompletableFuture<>());
        assertThat(send("POST", PATH, SECRET, UPDATE).statusCode()).isEqualTo(503);
        assertThat(handled).hasSize(1);
    }

    @Test
    @DisplayName("closing: a request in hand is still answered 200 once handled, a new one gets 503")
    void closeFinishesRequestsInHand() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        server = WebhookServer.start(new WebhookServer.Settings("127.0.0.1", 0, PATH, new Secret(SECRET), 4, Duration.ofSeconds(10)),
                update -> {
                    handled.add(update);
                    // the first request stays in hand until released; later ones (sent while the close begins) do not
                    return handled.size() == 1 ? release : CompletableFuture.completedFuture(null);
                });
        CompletableFuture<HttpResponse<String>> inHand = CompletableFuture.supplyAsync(() -> {
            try {
                return send("POST", PATH, SECRET, UPDATE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> server.close(Duration.ofSeconds(10)));
        java.util.concurrent.atomic.AtomicInteger answered200 = new java.util.concurrent.atomic.AtomicInteger();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            int status = send("POST", PATH, SECRET, UPDATE).statusCode();
            if (status == 200) {
                answered200.incrementAndGet(); // sent before the close began
            }
            return status == 503;
        });
        assertThat(closing).as("waits for the request in hand").isNotDone();
        release.complete(null);
        assertThat(inHand.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        closing.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(handled).as("the 503 one was not handled").hasSize(1 + answered200.get());
        server = null;
    }
}
