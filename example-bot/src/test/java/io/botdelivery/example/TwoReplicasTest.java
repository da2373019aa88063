package io.botdelivery.example;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two example-bot JVMs (limiter=redis, store=postgres, embedded servers) each run a broadcast at once against one
 * simulator, to the same chats. Each alone would send at the whole budget, so without the shared limiter together they
 * would send at almost twice the simulated limit and earn 429s (with {@code --limiter local} this test fails).
 */
class TwoReplicasTest {
    private static final int CHATS = 150;
    private static final long FIRST_CHAT = 7_000_001;
    /**
     * A bot budget low enough that one replica alone can use all of it (so two replicas that do not share would exceed
     * it): 20 msg/s, 10 msg/s per chat. Each replica is configured with 15 msg/s: 25 % headroom, so a replica starved of CPU for a moment on a busy machine does not bunch its sends past the limit.
     */
    private static final RateBudgets SIMULATED = new RateBudgets(Budget.perSecond(20), Budget.perSecond(10),
            Budget.of(20, Duration.ofSeconds(6)), Budget.perSecond(1000));

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    @TempDir
    Path dir;

    @Test
    @DisplayName("share one simulator budget: every chat gets the message once, no 429, nothing lost, both exit 0")
    void shareBudgetAndQueue() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < CHATS; i++) {
            lines.add(Long.toString(FIRST_CHAT + i));
        }
        Path chats = Files.write(dir.resolve("chats.txt"), lines);
        try (TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().budgets(SIMULATED).build())) {
            Process first = replica(telegram, chats, "replica-1", "news-a");
            Process second = replica(telegram, chats, "replica-2", "news-b");

            assertThat(first.waitFor(150, TimeUnit.SECONDS)).as("replica 1 finished").isTrue();
            assertThat(second.waitFor(150, TimeUnit.SECONDS)).as("replica 2 finished").isTrue();
            assertThat(first.exitValue()).as(log("replica-1")).isZero();
            assertThat(second.exitValue()).as(log("replica-2")).isZero();

            String logs = log("replica-1") + log("replica-2");
            List<AcceptedMessage> accepted = telegram.record().accepted();
            Map<String, Long> perChatAndText = accepted.stream()
                    .collect(Collectors.groupingBy(m -> m.chatId() + " " + m.text(), Collectors.counting()));
            assertThat(perChatAndText).as(logs).hasSize(2 * CHATS).allSatisfy((chat, n) -> assertThat(n).as("copies in " + chat).isEqualTo(1));
            assertThat(telegram.record().rateLimited()).as(logs).isEmpty();
            for (String replica : List.of("replica-1", "replica-2")) {
                assertThat(Files.readString(dir.resolve(replica + ".out"))).as(replica)
                        .containsPattern("\\| still queued +\\| +0 \\|")
                        .containsPattern("\\| delivered now +\\| +" + CHATS + " \\|");
            }
        }
    }

    private String log(String name) throws java.io.IOException {
        return Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    }

    private Process replica(TelegramSimulator telegram, Path chats, String name, String broadcast) throws java.io.IOException {
        TestDatabase db = PG.database();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "broadcast", "--name", broadcast, "--chats", chats.toString(), "--text", "News " + broadcast,
                "--api-url", telegram.baseUrl().toString(), "--http-port", "-1",
                "--limiter", "redis", "--redis-url", REDIS.address(),
                "--store", "postgres", "--postgres-url", db.jdbcUrl(), "--postgres-user", db.user(),
                "--limits-global-per-second", "15", "--limits-private-chat-per-second", "9",
                "--engine-poll-interval-ms", "200", "--max-wait", "120");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("BOT_TOKEN", telegram.token());
        pb.environment().put("BOT_LOG_LEVEL", "WARN");
        if (db.password() != null) {
            pb.environment().put("BOT_POSTGRES_PASSWORD", db.password());
        }
        return pb.start();
    }
}
