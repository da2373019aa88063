package io.botdelivery.engine;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.RetryPolicy;
import io.botdelivery.core.ThreadPoolTaskScheduler;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.ScriptedSender;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("The engine on real threads")
class ConcurrentEngineTest {

    @Test
    @DisplayName("with random faults, every delivery ends exactly once: delivered once, or failed with one alert")
    void everyDeliveryEndsOnce() throws Exception {
        Clock clock = Clock.systemUTC();
        InMemoryRetryStore store = new InMemoryRetryStore();
        RecordingNotifier notifier = new RecordingNotifier();
        SplittableRandom random = new SplittableRandom(42);
        ScriptedSender sender = new ScriptedSender(clock);
        Map<String, Integer> acceptedByTelegram = new java.util.concurrent.ConcurrentHashMap<>();
        sender.otherwise(request -> {
            double r;
            synchronized (random) {
                r = random.nextDouble();
            }
            if (r < 0.10) {
                return new SendOutcome.Transient("502 Bad Gateway");
            }
            if (r < 0.13) {
                return new SendOutcome.RetryAfter(Duration.ofMillis(1), LimitScope.chat(request.chatId()));
            }
            if (r < 0.15) {
                return new SendOutcome.Permanent("Forbidden: bot was blocked by the user", FailureClass.PERMANENT_RECIPIENT);
            }
            acceptedByTelegram.merge(((Payload.Text) request.payload()).text(), 1, Integer::sum);
            return sender.deliverAll(request);
        });
        RetryPolicy fast = new RetryPolicy(List.of(Duration.ofMillis(5), Duration.ofMillis(10)), List.of(Duration.ofMillis(50)), 6, 0.2);
        EngineConfig config = EngineConfig.defaults().withWorkerId("concurrent").withRetryPolicy(fast)
                .withMaxInlineWait(Duration.ofMillis(20)).withPollInterval(Duration.ofMillis(20)).withMaxConcurrentSends(8)
                .withMaxBuffered(200)
                // the scripted 429s ask for 1 ms: without Telegram's 1 s margin on top, each pauses the lane 1 ms, not 1 s
                .toBuilder().retryAfterMargin(Duration.ofMillis(1)).build();
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler(10);
        DeliveryEngine engine = DeliveryEngine.builder().store(store).limiter(new TestLimiter()).sender(sender)
                .notifier(notifier).clock(clock).scheduler(scheduler).config(config).build().start();

        List<Submission> submissions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            submissions.add(engine.submit(DeliveryRequest.builder(1 + (i % 50), Payload.text("m" + i))
                    .onAmbiguous(AmbiguousOutcomePolicy.RETRY).build()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> store.count(DeliveryStatus.DELIVERED) + store.count(DeliveryStatus.FAILED) == 1000
                && store.recentFailures(1000).stream().allMatch(d -> d.notifiedAt() != null));
        engine.close();
        scheduler.close();

        long delivered = store.count(DeliveryStatus.DELIVERED);
        List<Delivery> failed = store.recentFailures(1000);
        assertThat(delivered + failed.size()).isEqualTo(1000);
        assertThat(acceptedByTelegram).hasSize((int) delivered);
        assertThat(acceptedByTelegram.values()).as("no delivery was sent twice").allMatch(n -> n == 1);
        assertThat(notifier.alerts()).hasSize(failed.size());
        assertThat(notifier.alerts().stream().map(Delivery::id).distinct().count()).isEqualTo(failed.size());
        for (Submission s : submissions) {
            assertThat(s.outcome().toCompletableFuture().get()).satisfies(d -> assertThat(d.status().isFinal()).isTrue());
        }
        assertThat(engine.heldCount()).isZero();
    }
}
