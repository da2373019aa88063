package io.botdelivery.example.updates;

import io.botdelivery.example.SimulatedTelegram;
import io.botdelivery.example.wiring.TelegramClientModule;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.objects.Update;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The update loop against the simulator's getUpdates (which keeps every update until an offset above its id confirms
 * it): the handler's results decide what is confirmed; the test holds or fails them by hand.
 */
class UpdateLoopTest {
    private TelegramSimulator telegram;
    private UpdateLoop loop;
    /** Each update's handling, by update id, in the order handed out: the test completes them. */
    private final Map<Integer, CompletableFuture<Void>> handling = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> handed = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        telegram = SimulatedTelegram.start();
        OkHttpTelegramClient client = new OkHttpTelegramClient(telegram.token(), TelegramClientModule.telegramUrl(telegram.baseUrl()));
        UpdateLoop.Settings settings = UpdateLoop.Settings.defaults(Duration.ofSeconds(1), List.of("message"))
                .withBusyPollInterval(Duration.ofMillis(50))
                .withRetryDelays(Duration.ofMillis(50), Duration.ofMillis(200));
        loop = new UpdateLoop(client, this::handle, settings, () -> { }).start();
    }

    private CompletableFuture<Void> handle(Update update) {
        handed.computeIfAbsent(update.getUpdateId(), id -> new AtomicInteger()).incrementAndGet();
        CompletableFuture<Void> f = new CompletableFuture<>();
        handling.put(update.getUpdateId(), f);
        return f;
    }

    @AfterEach
    void stop() {
        handling.values().forEach(f -> f.complete(null));
        loop.close();
        telegram.close();
    }

    private int timesHanded(long updateId) {
        AtomicInteger n = handed.get((int) updateId);
        return n == null ? 0 : n.get();
    }

    @Test
    @DisplayName("a newer update handled first is not confirmed past an older one still running, nor handed out twice")
    void confirmsOnlyTheHandledPrefix() {
        long older = telegram.updates().userSends(1, "older");
        long newer = telegram.updates().userSends(2, "newer");
        await().atMost(Duration.ofSeconds(10)).until(() -> handling.containsKey((int) older) && handling.containsKey((int) newer));

        handling.get((int) newer).complete(null);
        // the loop polls again and again meanwhile (every 50 ms): Telegram keeps both, neither is handed out again
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> telegram.updates().pendingCount() == 2);
        assertThat(timesHanded(older)).isEqualTo(1);
        assertThat(timesHanded(newer)).isEqualTo(1);

        handling.get((int) older).complete(null);
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(timesHanded(older)).isEqualTo(1);
        assertThat(timesHanded(newer)).isEqualTo(1);
    }

    @Test
    @DisplayName("a failed update stays with Telegram and is handed out again when it comes again; confirmed once it succeeds")
    void failedIsHandledAgain() {
        long failing = telegram.updates().userSends(1, "payment");
        long after = telegram.updates().userSends(2, "later");
        await().atMost(Duration.ofSeconds(10)).until(() -> handling.containsKey((int) failing) && handling.containsKey((int) after));
        handling.get((int) after).complete(null);

        for (int round = 1; round <= 3; round++) {
            int expected = round;
            await().atMost(Duration.ofSeconds(10)).until(() -> timesHanded(failing) == expected);
            assertThat(telegram.updates().pendingCount()).as("not confirmed after failure " + (round - 1)).isEqualTo(2);
            if (round < 3) {
                handling.get((int) failing).completeExceptionally(new IllegalStateException("store down"));
            } else {
                handling.get((int) failing).complete(null);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(timesHanded(after)).as("the later update, already handled, is not handled again").isEqualTo(1);
        assertThat(timesHanded(failing)).isEqualTo(3);
    }
}
