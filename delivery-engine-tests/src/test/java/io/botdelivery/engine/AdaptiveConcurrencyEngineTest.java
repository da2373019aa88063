package io.botdelivery.engine;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's own thread pool against a sender whose round trip is simulated: every send blocks until the test
 * moves the engine's clock on by 100 ms and answers the whole wave in flight. The sizes of the waves are the
 * concurrency the engine allowed; nothing here depends on how fast the machine is.
 */
@DisplayName("Sends on the wire follow the measured round trip")
class AdaptiveConcurrencyEngineTest {
    static final Duration ROUND_TRIP = Duration.ofMillis(100);

    final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    final WaveSender sender = new WaveSender();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DeliveryEngine engine;

    /**
     * Blocks each send until the wave it joined is answered; counts the sends not answered yet. An answered send
     * leaves that count at once, not when its thread wakes, so a count equal to the engine's limit means every place
     * is held by a send waiting in here (none is between the engine's clock reading and this call).
     */
    static final class WaveSender implements Sender {
        private int unanswered;
        private int wave;
        private int answeredUpTo = -1;

        @Override
        public SendOutcome send(SendRequest request) {
            synchronized (this) {
                int mine = wave;
                unanswered++;
                notifyAll();
                try {
                    while (answeredUpTo < mine) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new SendOutcome.Transient("interrupted");
                }
            }
            return new SendOutcome.Delivered(List.of(request.chatId()));
        }

        synchronized int inFlight() {
            return unanswered;
        }

        /** Answers every send in flight now; later sends join the next wave. */
        synchronized void answerWave() {
            answeredUpTo = wave++;
            unanswered = 0;
            notifyAll();
        }

        synchronized void answerAll() {
            answeredUpTo = Integer.MAX_VALUE;
            unanswered = 0;
            notifyAll();
        }
    }

    @AfterEach
    void close() {
        sender.answerAll();
        if (engine != null) {
            engine.close();
        }
    }

    DeliveryEngine engine(EngineConfig config) {
        engine = DeliveryEngine.builder().store(new InMemoryRetryStore()).limiter(new TestLimiter()).sender(sender)
                .clock(clock).meterRegistry(meters).config(config.withWorkerId("adaptive")).build().start();
        return engine;
    }

    List<Submission> submitPaid(int n) {
        List<Submission> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(engine.submit(DeliveryRequest.builder(5000 + i, Payload.text("paid " + i)).allowPaidBroadcast(true).build()));
        }
        return out;
    }

    /** Waits until {@code expected} sends are in flight, then answers them after one simulated round trip. */
    void wave(int expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> sender.inFlight() == expected);
        clock.advance(ROUND_TRIP);
        sender.answerWave();
    }

    double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    @DisplayName("by default, a slow start (waves of 1, 2, 4, 8), then 16, 32, 64, 128 and ceil(1030 x 0.1 x 1.25) = 129 sends;"
            + " close() ends every thread")
    void growsToLittlesLaw() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        engine(EngineConfig.defaults());
        List<Submission> submitted = submitPaid(600);

        for (int expected : new int[] {1, 2, 4, 8, 16, 32, 64, 128, 129}) {
            wave(expected);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sender.inFlight() == 129);
        assertThat(gauge("delivery.sends.limit")).isEqualTo(129.0);
        assertThat(gauge("delivery.sends.service_time")).isEqualTo(0.1);

        sender.answerAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> submitted.stream()
                .allMatch(s -> engine.find(s.id()).orElseThrow().status() == DeliveryStatus.DELIVERED));
        List<Thread> created = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("delivery-")).toList();
        engine.close();

        assertThat(created).as("the pool grew beyond the old 16 + 2 workers").hasSizeGreaterThan(18);
        for (Thread t : created) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
        assertThat(created).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
    }

    @Test
    @DisplayName("a fixed maxConcurrentSends is reached by the cold start's slow start, then stays the limit whatever the round trip")
    void fixedOverride() {
        engine(EngineConfig.defaults().withMaxConcurrentSends(16));
        submitPaid(80);
        for (int expected : new int[] {1, 2, 4, 8, 16, 16, 16}) {
            wave(expected);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> sender.inFlight() == 16);
        assertThat(gauge("delivery.sends.limit")).isEqualTo(16.0);
        assertThat(gauge("delivery.sends.service_time")).as("still measured, for the metrics").isEqualTo(0.1);
    }
}
