package io.botdelivery.engine;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.ScriptedSender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The engine with the local limiter and Telegram's budgets")
class EngineWithLocalLimiterTest {

    final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final InMemoryRetryStore store = new InMemoryRetryStore();
    final ScriptedSender sender = new ScriptedSender(clock);
    final DeliveryEngine engine = DeliveryEngine.builder().store(store)
            .limiter(new LocalRateLimiter(RateBudgets.telegramDefaults(), clock)).sender(sender).clock(clock)
            .scheduler(scheduler).config(EngineConfig.defaults().withWorkerId("local")).build().start();

    @Test
    @DisplayName("sends at the budgets and never faster: 30/s overall, 1/s per user, one per 3 s per group; albums weigh their items")
    void staysWithinBudgets() {
        int total = 0;
        for (int round = 0; round < 4; round++) {
            for (long user = 1; user <= 40; user++) {
                engine.submit(DeliveryRequest.builder(user, Payload.text("u" + user + " r" + round)).build());
                total++;
            }
        }
        for (int i = 0; i < 10; i++) {
            engine.submit(DeliveryRequest.builder(-500, Payload.text("group " + i)).build());
            total++;
        }
        engine.submit(DeliveryRequest.builder(77, Payload.album("pack", Payload.photo(MediaSource.fileId("a")),
                Payload.photo(MediaSource.fileId("b")), Payload.photo(MediaSource.fileId("c")))).priority(Priority.HIGH).build());
        total++;
        int expected = total;
        scheduler.advanceUntil(() -> store.count(DeliveryStatus.DELIVERED) == expected, Duration.ofMillis(100), Duration.ofMinutes(5));

        List<ScriptedSender.Call> calls = sender.calls();
        assertThat(calls).hasSize(total);
        // global: messages (album = 3) in any 1 s window
        List<long[]> sends = new ArrayList<>();
        for (ScriptedSender.Call c : calls) {
            sends.add(new long[] {nanos(c.at()), c.request().payload().messageCount()});
        }
        assertThat(maxInWindow(sends, Duration.ofSeconds(1))).isLessThanOrEqualTo(30);
        Map<Long, List<Instant>> perChat = calls.stream().collect(Collectors.groupingBy(c -> c.request().chatId(),
                Collectors.mapping(ScriptedSender.Call::at, Collectors.toList())));
        perChat.forEach((chat, times) -> {
            Duration spacing = chat < 0 ? Duration.ofSeconds(3) : Duration.ofSeconds(1);
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("chat " + chat).isGreaterThanOrEqualTo(spacing);
            }
        });
        // uses the budget: the 160 user messages and the album's 3 items need 163/30 = 5.4 s at 30/s
        Instant lastUserMessage = calls.stream().filter(c -> c.request().chatId() > 0).map(ScriptedSender.Call::at)
                .max(Instant::compareTo).orElseThrow();
        assertThat(Duration.between(calls.get(0).at(), lastUserMessage)).isLessThan(Duration.ofMillis(6000));
        assertThat(sender.callsTo(77)).as("the HIGH priority album goes first").isNotEmpty()
                .allSatisfy(c -> assertThat(c.at()).isBefore(calls.get(0).at().plusSeconds(1)));
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static int maxInWindow(List<long[]> sends, Duration window) {
        int best = 0;
        for (int i = 0; i < sends.size(); i++) {
            int sum = 0;
            for (long[] s : sends) {
                if (s[0] >= sends.get(i)[0] && s[0] < sends.get(i)[0] + window.toNanos()) {
                    sum += (int) s[1];
                }
            }
            best = Math.max(best, sum);
        }
        return best;
    }
}
