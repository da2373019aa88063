package io.botdelivery.sender.telegram;

import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #15, "never faster from the first second": cold processes broadcast against a simulator at Telegram's limits
 * (no arrival tolerance) with a 100 ms round trip and a handshake round trip per new connection, each run in a fresh
 * JVM. The 20-run figure is delivery-bench's {@code ColdStartRuns}.
 */
class ColdStartTest {
    private static final int RUNS = 3;
    /** A window and a half of the bot-wide 30/s: the first window is full and the sends after it follow at once. */
    private static final int CHATS = 45;

    @Test
    @DisplayName("a cold JVM's broadcast draws no 429 and never more than 30 arrivals in any second, run after run")
    void coldBroadcastsStayWithinTheLimits() throws Exception {
        SimulatorConfig config = SimulatorConfig.builder().arrivalJitterTolerance(Duration.ZERO)
                .roundTrip(Duration.ofMillis(100)).build();
        try (TelegramSimulator telegram = TelegramSimulator.start(config)) {
            for (int run = 1; run <= RUNS; run++) {
                long firstChat = 700_000L * run;
                long lastChat = firstChat + CHATS - 1;
                long started = System.nanoTime();
                int delivered = runChild(telegram, firstChat);
                System.out.printf("cold run %d: %d delivered in %d ms (JVM start included)%n", run, delivered,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                assertThat(delivered).as("run %d delivered", run).isEqualTo(CHATS);

                assertThat(telegram.record().rateLimited()).as("run %d: 429s", run).isEmpty();
                List<Long> arrivals = telegram.record().accepted(m -> m.chatId() >= firstChat && m.chatId() <= lastChat)
                        .stream().map(AcceptedMessage::at).map(ColdStartTest::epochNanos)
                        .sorted().toList();
                assertThat(arrivals).hasSize(CHATS);
                assertThat(telegram.record().maxInAnyWindow(m -> m.chatId() >= firstChat && m.chatId() <= lastChat,
                        Duration.ofSeconds(1))).as("run %d: most arrivals in any 1 s", run).isLessThanOrEqualTo(30);
                // the next run's lane starts empty: its first send comes a whole window after this run's last arrival
                long lastArrival = arrivals.get(arrivals.size() - 1);
                await().atMost(Duration.ofSeconds(5)).until(() -> epochNanos(Instant.now()) - lastArrival
                        > Duration.ofSeconds(1).toNanos());
            }
        }
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static int runChild(TelegramSimulator telegram, long firstChat) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ColdStartBroadcastMain.class.getName(),
                telegram.baseUrl().toString(), telegram.token(), Long.toString(firstChat), Integer.toString(CHATS)));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int delivered = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("@DELIVERED ")) {
                    delivered = Integer.parseInt(line.substring("@DELIVERED ".length()).trim());
                }
            }
        }
        if (!child.waitFor(90, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        return delivered;
    }
}
