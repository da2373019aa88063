package io.botdelivery.example.broadcast;

import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.example.CommandLineTest;
import io.botdelivery.example.SimulatedTelegram;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.wiring.BotRuntime;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.memory.InMemoryRetryStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broadcast's progress, summary and end come from the store: two engines (two {@link BotRuntime}s, as two replicas)
 * share one store and both deliver the broadcast; the report of the one that runs it counts every recipient.
 */
class BroadcastProgressTest {
    private static final int CHATS = 120;
    private static final long FIRST_CHAT = 9_000_001;

    @TempDir
    Path dir;

    /** The test budgets, and a small in-memory buffer so most deliveries wait in the store where either engine claims them. */
    private static BotConfig replicaConfig(TelegramSimulator telegram) {
        BotConfig c = SimulatedTelegram.config(telegram);
        return new BotConfig(c.apiUrl(), c.admins(), c.limiter(), c.store(), c.redis(), c.postgres(), c.budgets(),
                new BotConfig.EngineSettings(4, 5, 5, Duration.ofMillis(50)), c.http(), c.catalog(), false, null);
    }

    @Test
    @DisplayName("two engines on one store: the report counts what the other engine delivered, ambiguous outcomes as 'may have arrived', and ends with nothing pending")
    void countsEveryReplicasWork() {
        List<Long> chats = LongStream.range(FIRST_CHAT, FIRST_CHAT + CHATS).boxed().toList();
        long lost = chats.get(7);
        RetryStore shared = new InMemoryRetryStore();
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            // the message reaches this chat but Telegram's answer is lost: the broadcast gives up on it (no duplicate)
            telegram.faults().nextFor(lost, Fault.dropAfterAccept());
            BotConfig config = replicaConfig(telegram);
            Secret token = new Secret(telegram.token());
            try (BotRuntime other = BotRuntime.start(config, token, binder -> binder.bind(RetryStore.class).toInstance(shared));
                 BotRuntime here = BotRuntime.start(config, token, binder -> binder.bind(RetryStore.class).toInstance(shared))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Broadcast news = new Broadcast("store-progress", Payload.text("News"), false);
                BroadcastResult result = new BroadcastRunner(here.engine(), here.store(), new PrintStream(out, true, StandardCharsets.UTF_8), false)
                        .run(news, new ChatList(chats, List.of()), Duration.ofSeconds(60), 300);

                double byOther = other.meterRegistry().counter("delivery.delivered").count();
                assertThat(byOther).as("the other engine delivered part of the broadcast").isPositive();
                assertThat(result.stillQueued()).isZero();
                assertThat(result.delivered()).as("every recipient, whichever engine sent it").isEqualTo(CHATS - 1);
                assertThat(result.mayHaveArrived()).isEqualTo(1);
                assertThat(result.failed()).as("an ambiguous outcome is not counted as a failure").isZero();
                String progress = out.toString(StandardCharsets.UTF_8);
                assertThat(progress).as("enqueueing, then sending").containsSubsequence(
                        "enqueue store-progress", "120/120  queued 120", "broadcast store-progress");
                String table = tableText(result);
                assertThat(table).contains(BroadcastRunner.MAY_HAVE_ARRIVED).containsPattern("\\| still queued +\\| +0 \\|");

                Map<Long, Long> perChat = telegram.record().accepted().stream()
                        .collect(Collectors.groupingBy(AcceptedMessage::chatId, Collectors.counting()));
                assertThat(perChat).hasSize(CHATS).allSatisfy((chat, n) -> assertThat(n).isEqualTo(1));
            }
        }
    }

    @Test
    @DisplayName("--max-wait runs out with deliveries pending: the table says how many, and the command exits 3, not 0")
    void maxWaitWithWorkPendingExitsNonZero() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lines.add(Long.toString(FIRST_CHAT + i));
        }
        Path file = Files.write(dir.resolve("chats.txt"), lines);
        try (TelegramSimulator telegram = SimulatedTelegram.start()) {
            // Telegram's real budget (30 msg/s): 200 chats take seconds, --max-wait 0 stops waiting at once
            CommandLineTest.Run run = CommandLineTest.run(Map.of("BOT_TOKEN", telegram.token()), "broadcast",
                    "--name", "impatient", "--chats", file.toString(), "--text", "Hello",
                    "--api-url", telegram.baseUrl().toString(), "--http-port", "-1", "--max-wait", "0");

            assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
            assertThat(run.err()).contains("not finished within --max-wait");
            assertThat(run.out()).doesNotContainPattern("\\| still queued +\\| +0 \\|");
        }
    }

    private static String tableText(BroadcastResult result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        result.table().print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
