package io.botdelivery.example;

import com.sun.net.httpserver.HttpServer;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.SimulatedUpdates.WebhookAttempt;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.testkit.redis.RedisServerExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook mode end to end with real processes: two {@code example-bot run} replicas ({@code bot.updates=webhook},
 * store=postgres and limiter=redis, embedded) behind one address, a round-robin forwarder standing in for the load
 * balancer; the simulator POSTs every update to that address as Telegram does and retries any non-2xx answer or
 * connection error. The forwarder has no health check, so after the kill every second turn hits the dead replica and
 * answers 502: Telegram's retry is what brings those updates to the live one.
 *
 * <p>First, with both replicas up: every update is confirmed once, both replicas serve, and every buyer gets exactly
 * one catalog, one document and one receipt. Then a stream of buyers, and {@code kill -9} of one replica in the middle
 * of it: nothing is lost (every buyer gets the catalog, the document and the receipt), every update is still confirmed
 * once, and every pack part is stored once.
 */
class WebhookReplicasTest {
    private static final String SECRET = "webhook_Secret-for-the-test";
    private static final String PATH = "/telegram/webhook";
    private static final Pattern WEBHOOK_PORT = Pattern.compile("webhook on 127\\.0\\.0\\.1:(\\d+)/");
    private static final long FIRST_BUYER = 5_100;
    private static final int CALM_BUYERS = 8;
    private static final int STREAMED_BUYERS = 16;

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    @TempDir
    Path dir;

    @Test
    @DisplayName("two replicas behind one address: every update handled once; kill -9 of one mid-stream loses nothing")
    void twoReplicasBehindOneAddress() throws Exception {
        TestDatabase db = PG.database();
        Files.write(dir.resolve("guide.pdf"), new byte[] {1, 2, 3});
        Path config = Files.writeString(dir.resolve("shop.yml"), """
                bot:
                  admins: [77]
                  updates: webhook
                http:
                  port: -1
                products:
                  guide:
                    title: Printable guide
                    price-stars: 5
                    document: guide.pdf
                """);
        try (TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().budgets(SimulatedTelegram.FAST)
                .webhookRetryDelay(Duration.ofMillis(50)).build());
             Forwarder balancer = Forwarder.start()) {
            Process first = startBot(telegram, db, config, balancer, "replica-1");
            Process second = startBot(telegram, db, config, balancer, "replica-2");
            try {
                balancer.route(0, awaitWebhookPort("replica-1", first));
                balancer.route(1, awaitWebhookPort("replica-2", second));
                assertThat(telegram.updates().webhookUrl()).isEqualTo(balancer.url());

                // both replicas up: everything exactly once
                for (long buyer = FIRST_BUYER; buyer < FIRST_BUYER + CALM_BUYERS; buyer++) {
                    buy(telegram, buyer);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> telegram.updates().pendingCount() == 0);
                List<Long> calm = LongStream.range(FIRST_BUYER, FIRST_BUYER + CALM_BUYERS).boxed().toList();
                await().atMost(Duration.ofSeconds(20)).until(() -> calm.stream().allMatch(b -> telegram.record().acceptedIn(b).size() >= 3));
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                        .until(() -> calm.stream().allMatch(b -> telegram.record().acceptedIn(b).size() == 3));
                for (long buyer : calm) {
                    assertThat(kinds(telegram, buyer)).as(logs()).containsExactlyInAnyOrderEntriesOf(
                            Map.of("catalog", 1L, "document", 1L, "receipt", 1L));
                }
                assertThat(confirmationsPerUpdate(telegram)).hasSize(2 * CALM_BUYERS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
                assertThat(balancer.handledBy(0)).as("replica 1 served").isPositive();
                assertThat(balancer.handledBy(1)).as("replica 2 served").isPositive();
                assertThat(telegram.record().rateLimited()).isEmpty();

                // a stream of buyers, and replica 1 killed in the middle of it
                long streamStart = FIRST_BUYER + CALM_BUYERS;
                int confirmedBefore = confirmationsPerUpdate(telegram).size();
                Thread stream = new Thread(() -> {
                    for (long buyer = streamStart; buyer < streamStart + STREAMED_BUYERS; buyer++) {
                        buy(telegram, buyer);
                        sleep(40);
                    }
                }, "buyers");
                stream.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> confirmationsPerUpdate(telegram).size() >= confirmedBefore + STREAMED_BUYERS / 2);
                first.destroyForcibly(); // SIGKILL: no graceful stop, requests in its hands get no answer
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
                int confirmedAtKill = confirmationsPerUpdate(telegram).size();
                stream.join(30_000);

                await().atMost(Duration.ofSeconds(30)).until(() -> telegram.updates().pendingCount() == 0);
                List<Long> streamed = LongStream.range(streamStart, streamStart + STREAMED_BUYERS).boxed().toList();
                // a delivery the killed replica held comes back when its lease (4 s here) ends
                await().atMost(Duration.ofSeconds(30)).until(() -> streamed.stream().allMatch(b -> kinds(telegram, b).size() == 3));
                assertThat(confirmationsPerUpdate(telegram)).as("every update confirmed to Telegram once")
                        .hasSize(2 * (CALM_BUYERS + STREAMED_BUYERS)).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
                assertThat(storedPackParts(db)).as("each pack's document and receipt stored once")
                        .isEqualTo(2 * (CALM_BUYERS + STREAMED_BUYERS));
                // Telegram-side copies: at least once for everything. What the killed replica had in its hands at the
                // kill (the one update a webhook delivers at a time, and sends already on the wire) may come twice;
                // nothing else may.
                List<String> duplicated = new ArrayList<>();
                for (long buyer : streamed) {
                    kinds(telegram, buyer).forEach((kind, n) -> {
                        assertThat(n).as(kind + " to " + buyer).isBetween(1L, 2L);
                        if (n == 2) {
                            duplicated.add(kind + " to " + buyer);
                        }
                    });
                }
                assertThat(duplicated).as("copies sent twice around the kill").hasSizeLessThanOrEqualTo(2);
                assertThat(confirmedAtKill).as("the stream went on after the kill").isLessThan(2 * (CALM_BUYERS + STREAMED_BUYERS));
                assertThat(telegram.updates().webhookAttempts()).as("the dead replica's turns answered 502 and were retried")
                        .anySatisfy(a -> assertThat(a.status()).isEqualTo(502));

                second.destroy();
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(second.exitValue()).as(log("replica-2")).isZero();
                assertThat(logs()).doesNotContain(SECRET).doesNotContain(telegram.token());
            } finally {
                first.destroyForcibly();
                second.destroyForcibly();
            }
        }
    }

    private static void buy(TelegramSimulator telegram, long buyer) {
        telegram.updates().userSends(buyer, "/start");
        telegram.updates().successfulPayment(buyer, "XTR", 5, "product:guide", "charge-" + buyer);
    }

    /** What the buyer received, by kind: the catalog, the document, the receipt. */
    private static Map<String, Long> kinds(TelegramSimulator telegram, long buyer) {
        return telegram.record().acceptedIn(buyer).stream().collect(Collectors.groupingBy(WebhookReplicasTest::kind, Collectors.counting()));
    }

    private static String kind(AcceptedMessage m) {
        if (!m.kind().equals("text")) {
            return m.kind();
        }
        return m.text().contains("Receipt") ? "receipt" : m.text().startsWith("Welcome") ? "catalog" : "other: " + m.text();
    }

    /** For each update the simulator delivered: how many times the webhook answered 2xx. */
    private static Map<Long, Long> confirmationsPerUpdate(TelegramSimulator telegram) {
        return telegram.updates().webhookAttempts().stream().filter(WebhookAttempt::delivered)
                .collect(Collectors.groupingBy(WebhookAttempt::updateId, Collectors.counting()));
    }

    private static int storedPackParts(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM bot_delivery.delivery WHERE idempotency_key LIKE ?")) {
            q.setString(1, "charge-%");
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private Process startBot(TelegramSimulator telegram, TestDatabase db, Path config, Forwarder balancer, String name)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=" + WebhookReplicasTest.class.getClassLoader().getResource("logback.xml"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                "--api-url", telegram.baseUrl().toString(),
                "--webhook-url", balancer.url(), "--webhook-host", "127.0.0.1", "--webhook-port", "0",
                "--store", "postgres", "--postgres-url", db.jdbcUrl(), "--postgres-user", db.user(),
                "--limiter", "redis", "--redis-url", REDIS.address(),
                "--engine-lease-seconds", "4", "--engine-poll-interval-ms", "200"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("BOT_TOKEN", telegram.token());
        pb.environment().put("BOT_CONFIG", config.toString());
        pb.environment().put("BOT_WEBHOOK_SECRET", SECRET);
        if (db.password() != null) {
            pb.environment().put("BOT_POSTGRES_PASSWORD", db.password());
        }
        return pb.start();
    }

    private int awaitWebhookPort(String name, Process bot) {
        AtomicInteger port = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!bot.isAlive()) {
                throw new AssertionError(name + " exited " + bot.exitValue() + ": " + log(name));
            }
            Matcher m = WEBHOOK_PORT.matcher(Files.readString(dir.resolve(name + ".out")));
            if (m.find()) {
                port.set(Integer.parseInt(m.group(1)));
                return true;
            }
            return false;
        });
        return port.get();
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    }

    private String logs() throws IOException {
        return log("replica-1") + log("replica-2");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The load balancer: one address, requests passed to the replicas in turn with their body and the secret header.
     * It has no health check: a replica that cannot be reached (refused, or reset mid-request by the kill) makes it
     * answer 502, and only Telegram's retry (the simulator's) brings the update to the other replica on the next turn.
     */
    private static final class Forwarder implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final Map<Integer, Integer> ports = new ConcurrentHashMap<>();
        private final Map<Integer, AtomicInteger> handled = Map.of(0, new AtomicInteger(), 1, new AtomicInteger());
        private final AtomicLong turn = new AtomicLong();

        private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(4);

        private Forwarder(HttpServer server) {
            this.server = server;
            server.setExecutor(executor);
        }

        static Forwarder start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            Forwarder forwarder = new Forwarder(server);
            server.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readAllBytes();
                    String secret = exchange.getRequestHeaders().getFirst("X-Telegram-Bot-Api-Secret-Token");
                    exchange.sendResponseHeaders(forwarder.forward(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                            secret, body), -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return forwarder;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
        }

        void route(int replica, int port) {
            ports.put(replica, port);
        }

        int handledBy(int replica) {
            return handled.get(replica).get();
        }

        private int forward(String method, String path, String secret, byte[] body) {
            int replica = (int) (turn.getAndIncrement() % 2);
            Integer port = ports.get(replica);
            if (port == null) {
                return 502;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (secret != null) {
                request.header("X-Telegram-Bot-Api-Secret-Token", secret);
            }
            try {
                int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    handled.get(replica).incrementAndGet();
                }
                return status;
            } catch (IOException e) {
                return 502; // refused or reset: this replica is down
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 502;
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
