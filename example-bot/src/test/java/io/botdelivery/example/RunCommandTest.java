package io.botdelivery.example;

import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code example-bot run} as its own process, configured by a YAML file and the environment: it answers users, serves
 * /health/ready and /metrics on 127.0.0.1, and stops gracefully on SIGTERM.
 */
class RunCommandTest {
    private static final Pattern PORT = Pattern.compile("ops endpoint on 127.0.0.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    @DisplayName("answers /start, serves /health/ready and /metrics, and on SIGTERM stops polling and closes the engine")
    void runsAndStopsGracefully() throws Exception {
        Files.write(dir.resolve("guide.pdf"), new byte[] {1, 2, 3});
        Path config = Files.writeString(dir.resolve("shop.yml"), """
                bot:
                  admins: [77]
                http:
                  port: 0
                products:
                  guide:
                    title: Printable guide
                    price-stars: 5
                    document: guide.pdf
                """);
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-Dlogback.configurationFile=" + RunCommandTest.class.getClassLoader().getResource("logback.xml"),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                    "--api-url", telegram.baseUrl().toString()))
                    .redirectError(dir.resolve("run.err").toFile());
            pb.environment().put("BOT_TOKEN", telegram.token());
            pb.environment().put("BOT_CONFIG", config.toString());
            Process bot = pb.start();
            try {
                int port = awaitPort(bot);
                telegram.updates().userSends(4242, "/start");
                await().atMost(Duration.ofSeconds(15)).until(() -> !telegram.record().acceptedIn(4242).isEmpty());
                assertThat(telegram.record().acceptedIn(4242).get(0).text()).contains("Printable guide — 5 ⭐");

                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"status\" : \"UP\"", "\"store\"", "\"limiter\"", "\"telegram\"");
                HttpResponse<String> delete = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(delete.statusCode()).as("DELETE /metrics").isEqualTo(405);
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("delivery_submitted_total", "delivery_held");

                bot.destroy(); // SIGTERM
                assertThat(bot.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
                assertThat(bot.exitValue()).as("a clean stop on SIGTERM exits 0, not 143").isZero();
                String log = Files.readString(dir.resolve("run.err"));
                assertThat(log).contains("stopping: polling, then the updates in hand, then the engine", "bot-delivery stopped")
                        .doesNotContain(telegram.token());
            } finally {
                bot.destroyForcibly();
            }
        }
    }

    private static int awaitPort(Process bot) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(bot.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the bot did not say it was running");
    }
}
