package io.botdelivery.example.broadcast;

import io.botdelivery.example.CommandLineTest;
import io.botdelivery.example.SimulatedTelegram;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code example-bot broadcast} as a user runs it, against the simulator, with the durable store on a real PostgreSQL
 * (so a second run knows what the first one delivered). Budgets are Telegram's scaled up ten times (300 msg/s), the
 * bot keeping 10 % below them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BroadcastCommandTest {
    private static final int CHATS = 1000;
    private static final long FIRST_CHAT = 5_000_001;

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @TempDir
    static Path dir;

    private static TelegramSimulator telegram;
    private static Path chats;

    @BeforeAll
    static void start() throws IOException {
        telegram = SimulatedTelegram.start();
        List<String> lines = new ArrayList<>();
        lines.add("# spring newsletter");
        for (int i = 0; i < CHATS; i++) {
            lines.add(Long.toString(FIRST_CHAT + i));
            if (i == 10) {
                lines.add("@alice");
            }
            if (i == 500) {
                lines.add("0");
            }
        }
        lines.add(Long.toString(FIRST_CHAT));
        chats = Files.write(dir.resolve("chats.txt"), lines);
    }

    @AfterAll
    static void stop() {
        telegram.close();
    }

    private static CommandLineTest.Run broadcast() {
        TestDatabase db = PG.database();
        Map<String, String> env = new HashMap<>();
        env.put("BOT_TOKEN", telegram.token());
        if (db.password() != null) {
            env.put("BOT_POSTGRES_PASSWORD", db.password());
        }
        return CommandLineTest.run(env, "broadcast", "--name", "spring-2026", "--chats", chats.toString(),
                "--text", "Spring sale: every pack half price!",
                "--api-url", telegram.baseUrl().toString(), "--http-port", "-1",
                "--store", "postgres", "--postgres-url", db.jdbcUrl(), "--postgres-user", db.user(),
                "--limits-global-per-second", "270", "--limits-private-chat-per-second", "9",
                "--engine-max-concurrent-sends", "32", "--engine-poll-interval-ms", "200");
    }

    private static String row(String output, String label) {
        return output.lines().filter(l -> l.startsWith("| " + label + " ")).findFirst()
                .map(l -> l.substring(l.indexOf('|', 2) + 1).replace("|", "").trim()).orElse("(no row '" + label + "')");
    }

    @Test
    @Order(1)
    @DisplayName("1,000 chats: every one gets the message exactly once, without a single 429; bad lines are reported and skipped")
    void everyChatOnce() {
        CommandLineTest.Run run = broadcast();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(row(run.out(), "chats in file")).isEqualTo("1000");
        assertThat(row(run.out(), "delivered now")).isEqualTo("1000");
        assertThat(row(run.out(), "bad lines skipped")).isEqualTo("3");
        assertThat(run.err()).contains("line 13: '@alice' is not a chat id", "line 504: '0' is not a chat id (0 is no chat); skipped",
                "line 1004: '" + FIRST_CHAT + "' repeats line 2 (sent once); skipped");

        List<AcceptedMessage> accepted = telegram.record().accepted();
        assertThat(accepted).hasSize(CHATS);
        Map<Long, Long> perChat = accepted.stream().collect(Collectors.groupingBy(AcceptedMessage::chatId, Collectors.counting()));
        assertThat(perChat).hasSize(CHATS).allSatisfy((chat, n) -> assertThat(n).isEqualTo(1));
        assertThat(telegram.record().rateLimited()).isEmpty();
        assertThat(telegram.record().windowOvershoots()).isEmpty();
    }

    @Test
    @Order(2)
    @DisplayName("run again with the same name and list: nothing new is sent, everything counts as delivered before")
    void rerunSendsNothing() {
        CommandLineTest.Run run = broadcast();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(row(run.out(), "delivered by an earlier run")).isEqualTo("1000");
        assertThat(row(run.out(), "delivered now")).isEqualTo("0");
        assertThat(telegram.record().accepted()).hasSize(CHATS);
    }
}
