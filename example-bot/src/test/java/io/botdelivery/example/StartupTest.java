package io.botdelivery.example;

import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Start-up with a dependency down follows one rule for the store, Telegram and Redis: one line naming it, a wait with
 * backoff up to {@code startup.wait}, then start, or exit 1 with that line and no stack trace.
 */
class StartupTest {
    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @TempDir
    Path dir;

    /** A local port nothing listens on: connecting to it is refused at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Path chats() throws IOException {
        return Files.write(dir.resolve("chats.txt"), List.of("1001", "1002", "1003"));
    }

    private static List<String> broadcast(TelegramSimulator telegram, String apiUrl, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("broadcast", "--name", "startup", "--text", "Hello",
                "--api-url", apiUrl, "--http-port", "-1"));
        args.addAll(List.of(more));
        return args;
    }

    private static void assertOneLineNoTrace(CommandLineTest.Run run, String dependency) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err().lines().filter(l -> l.startsWith("Cannot start: ")).toList())
                .singleElement().satisfies(l -> assertThat(l).startsWith("Cannot start: " + dependency + ": "));
        assertThat(run.err()).doesNotContain("\tat ", "Exception in thread", "Guice");
    }

    @Test
    @DisplayName("PostgreSQL down: one 'store:' line, exit 1, no stack trace")
    void postgresDown() throws Exception {
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            List<String> args = broadcast(telegram, telegram.baseUrl().toString(), "--chats", chats().toString(),
                    "--store", "postgres", "--postgres-url", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/botdelivery",
                    "--startup-wait", "1");
            CommandLineTest.Run run = CommandLineTest.run(Map.of("BOT_TOKEN", telegram.token(), "BOT_POSTGRES_PASSWORD", "Sup3rS3cret"),
                    args.toArray(String[]::new));
            assertOneLineNoTrace(run, "store");
            assertThat(run.err()).contains("waiting up to 1 s (startup.wait)").doesNotContain("Sup3rS3cret");
            assertThat(telegram.record().accepted()).isEmpty();
        }
    }

    @Test
    @DisplayName("Telegram down: one 'telegram:' line, exit 1, no stack trace, no token")
    void telegramDown() throws Exception {
        String token = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
        CommandLineTest.Run run = CommandLineTest.run(Map.of("BOT_TOKEN", token),
                "broadcast", "--name", "startup", "--text", "Hello", "--chats", chats().toString(),
                "--api-url", "http://127.0.0.1:" + closedPort(), "--http-port", "-1", "--startup-wait", "1");
        assertOneLineNoTrace(run, "telegram");
        assertThat(run.out() + run.err()).doesNotContain(token).doesNotContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw");
    }

    @Test
    @DisplayName("run with Telegram down (it used to log 'starting anyway' and then die in long polling): the same one line, exit 1")
    void runWithTelegramDown() throws Exception {
        CommandLineTest.Run run = CommandLineTest.run(Map.of("BOT_TOKEN", "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
                "run", "--api-url", "http://127.0.0.1:" + closedPort(), "--http-port", "-1", "--startup-wait", "1");
        assertOneLineNoTrace(run, "telegram");
        assertThat(run.out()).doesNotContain("Shop bot running");
    }

    @Test
    @DisplayName("Redis down: one 'redis:' line, exit 1 (it used to start anyway), no password")
    void redisDown() throws Exception {
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            List<String> args = broadcast(telegram, telegram.baseUrl().toString(), "--chats", chats().toString(),
                    "--limiter", "redis", "--redis-url", "redis://admin:Sup3rS3cret@127.0.0.1:" + closedPort(), "--startup-wait", "0");
            CommandLineTest.Run run = CommandLineTest.run(Map.of("BOT_TOKEN", telegram.token()), args.toArray(String[]::new));
            assertOneLineNoTrace(run, "redis");
            assertThat(run.out() + run.err()).doesNotContain("Sup3rS3cret");
            assertThat(telegram.record().accepted()).isEmpty();
        }
    }

    @Test
    @DisplayName("PostgreSQL stopped at start and back during startup.wait: one line, then the broadcast starts and delivers, exit 0")
    void postgresComesBack() throws Exception {
        TestDatabase db = PG.database();
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            Map<String, String> env = new HashMap<>(Map.of("BOT_TOKEN", telegram.token()));
            if (db.password() != null) {
                env.put("BOT_POSTGRES_PASSWORD", db.password());
            }
            List<String> args = broadcast(telegram, telegram.baseUrl().toString(), "--chats", chats().toString(),
                    "--store", "postgres", "--postgres-url", db.jdbcUrl(), "--postgres-user", db.user(), "--startup-wait", "120");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PG.server().stop();
            CompletableFuture<Integer> exit;
            try {
                exit = CompletableFuture.supplyAsync(() -> Main.execute(args.toArray(String[]::new), env,
                        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
                await().atMost(Duration.ofSeconds(30)).until(() -> err.toString(StandardCharsets.UTF_8).contains("store: PostgreSQL at "));
            } finally {
                PG.server().start();
            }
            int code = exit.get(120, TimeUnit.SECONDS);
            String errText = err.toString(StandardCharsets.UTF_8);
            assertThat(code).as(errText).isZero();
            assertThat(errText.lines().filter(l -> l.startsWith("store: ")).count()).as("one line while it was down").isEqualTo(1);
            assertThat(errText).contains("all dependencies answer now; starting").doesNotContain("\tat ");
            assertThat(telegram.record().accepted()).hasSize(3);
        }
    }

    @Test
    @DisplayName("webhook port taken: one 'webhook:' line, exit 1, no stack trace, the webhook secret never shown")
    void webhookPortTaken() throws Exception {
        String secret = "hook_Secret-never-shown";
        try (TelegramSimulator telegram = SimulatedTelegram.start();
             ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CommandLineTest.Run run = CommandLineTest.run(Map.of("BOT_TOKEN", telegram.token(), "BOT_WEBHOOK_SECRET", secret),
                    "run", "--api-url", telegram.baseUrl().toString(), "--http-port", "-1", "--updates", "webhook",
                    "--webhook-url", "http://127.0.0.1:" + taken.getLocalPort() + "/telegram/webhook",
                    "--webhook-host", "127.0.0.1", "--webhook-port", Integer.toString(taken.getLocalPort()));
            assertOneLineNoTrace(run, "webhook");
            assertThat(run.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(run.out() + run.err()).doesNotContain(secret);
            assertThat(telegram.updates().webhookUrl()).as("setWebhook is not called without a server to take the updates").isEmpty();
        }
    }
}
