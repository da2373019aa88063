package io.botdelivery.example;

import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} of the bot between the payment update and the store write, with real processes: {@code example-bot run}
 * on PostgreSQL (embedded) against the simulator. The test holds a table lock so the bot's insert of the pack waits,
 * kills the bot while it waits, ends the orphaned insert with the lock, and starts the bot again: the pack is not in the
 * store, so only Telegram's redelivery of the unconfirmed payment update can bring it, and it arrives exactly once.
 *
 * <p>With TelegramBots' long polling (before issue 17) the update was confirmed by the next getUpdates while the insert
 * waited, so after the restart nothing came and this test fails.
 */
class PaymentKillTest {
    private static final long BUYER = 4242;
    private static final String CHARGE = "charge-kill-9";

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @TempDir
    Path dir;

    @Test
    @DisplayName("kill -9 while the pack's insert waits: the payment update is not confirmed, and after a restart the pack arrives exactly once")
    void killedBeforeTheWrite() throws Exception {
        TestDatabase db = PG.database();
        Files.write(dir.resolve("guide.pdf"), new byte[] {1, 2, 3});
        Path config = Files.writeString(dir.resolve("shop.yml"), """
                bot:
                  admins: [77]
                http:
                  port: -1
                products:
                  guide:
                    title: Printable guide
                    price-stars: 5
                    document: guide.pdf
                """);
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            Process first = startBot(telegram, db, config, "first");
            try {
                awaitRunning("first", first);
                try (Connection lock = db.connect()) {
                    lock.setAutoCommit(false);
                    try (Statement s = lock.createStatement()) {
                        // SHARE blocks INSERT, UPDATE and DELETE (they take ROW EXCLUSIVE) but lets reads through
                        s.execute("LOCK TABLE bot_delivery.delivery IN SHARE MODE");
                    }
                    telegram.updates().successfulPayment(BUYER, "XTR", 5, "product:guide", CHARGE);
                    // the bot took the update and its insert of the pack is now waiting for the lock
                    try {
                        await().atMost(Duration.ofSeconds(30)).until(() -> insertsWaitingForLock(lock, db) > 0);
                    } catch (org.awaitility.core.ConditionTimeoutException e) {
                        throw new AssertionError("no insert waits for the lock; sessions: " + activity(lock, db) + "\n" + log("first") + "\n" + jstack(first), e);
                    }
                    assertThat(telegram.updates().pendingCount()).as("the payment update is not confirmed while its write waits").isEqualTo(1);

                    first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful close
                    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
                    // The killed bot's backend still waits for the lock: released now, its insert would complete on its
                    // own. End it first (as a database restart or failover would), then release the lock: the write
                    // never happened.
                    await().atMost(Duration.ofSeconds(30)).until(() -> terminateOthers(lock, db) == 0);
                    lock.rollback();
                }
                assertThat(storedParts(db)).as("nothing of the order is in the store").isZero();
                assertThat(telegram.updates().pendingCount()).as("Telegram still holds the payment update").isEqualTo(1);
                assertThat(telegram.record().acceptedIn(BUYER)).isEmpty();
            } finally {
                first.destroyForcibly();
            }

            Process second = startBot(telegram, db, config, "second");
            try {
                awaitRunning("second", second);
                await().atMost(Duration.ofSeconds(60)).until(() -> kindsIn(telegram).contains("text"));
                // no second copy follows: the update is confirmed and both parts are final
                await().atMost(Duration.ofSeconds(30)).until(() -> telegram.updates().pendingCount() == 0);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> kindsIn(telegram).size() == 2);
                assertThat(kindsIn(telegram)).as(log("second")).containsExactly("document", "text");
                assertThat(telegram.record().acceptedIn(BUYER).get(1).text()).contains("Receipt", CHARGE);
                assertThat(storedParts(db)).isEqualTo(2);

                second.destroy();
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(second.exitValue()).as(log("second")).isZero();
                assertThat(log("first") + log("second")).doesNotContain(telegram.token());
            } finally {
                second.destroyForcibly();
            }
        }
    }

    private Process startBot(TelegramSimulator telegram, TestDatabase db, Path config, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=" + PaymentKillTest.class.getClassLoader().getResource("logback.xml"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                "--api-url", telegram.baseUrl().toString(),
                "--store", "postgres", "--postgres-url", db.jdbcUrl(), "--postgres-user", db.user()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("BOT_TOKEN", telegram.token());
        pb.environment().put("BOT_CONFIG", config.toString());
        if (db.password() != null) {
            pb.environment().put("BOT_POSTGRES_PASSWORD", db.password());
        }
        return pb.start();
    }

    private void awaitRunning(String name, Process bot) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!bot.isAlive()) {
                throw new AssertionError(name + " exited " + bot.exitValue() + ": " + log(name));
            }
            return Files.readString(dir.resolve(name + ".out")).contains("Shop bot running");
        });
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    }

    private static List<String> kindsIn(TelegramSimulator telegram) {
        return telegram.record().acceptedIn(BUYER).stream().map(AcceptedMessage::kind).toList();
    }

    private static int insertsWaitingForLock(Connection c, TestDatabase db) throws SQLException {
        freshStatistics(c);
        try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ? "
                + "AND wait_event_type = 'Lock' AND query ILIKE ? AND pid <> pg_backend_pid()")) {
            q.setString(1, db.name());
            q.setString(2, "%insert%into%delivery%");
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /**
     * pg_stat_activity is read once per transaction and then served from a snapshot; the lock's connection stays in
     * one transaction, so each look drops the snapshot first.
     */
    private static void freshStatistics(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
        }
    }

    private static String jstack(Process p) {
        try {
            Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), Long.toString(p.pid()))
                    .redirectErrorStream(true).start();
            return new String(j.getInputStream().readAllBytes());
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String activity(Connection c, TestDatabase db) throws SQLException {
        freshStatistics(c);
        StringBuilder out = new StringBuilder();
        try (PreparedStatement q = c.prepareStatement("SELECT state, wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity "
                + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
            q.setString(1, db.name());
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    out.append("\n  ").append(r.getString(1)).append(' ').append(r.getString(2)).append(' ').append(r.getString(3))
                            .append(": ").append(r.getString(4));
                }
            }
        }
        return out.toString();
    }

    /** Terminates every other session on the test database; returns how many there were. */
    private static int terminateOthers(Connection c, TestDatabase db) throws SQLException {
        freshStatistics(c);
        try (PreparedStatement q = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
            q.setString(1, db.name());
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    private static int storedParts(TestDatabase db) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT count(*) FROM bot_delivery.delivery WHERE idempotency_key LIKE ?")) {
            q.setString(1, CHARGE + ":%");
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }
}
