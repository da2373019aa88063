package io.botdelivery.bench.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.ThreadPoolTaskScheduler;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.postgres.PostgresRetryStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Submit → first attempt: the time from the moment a delivery is submitted until the engine hands it to the sender.
 * Deliveries go to distinct private chats at a steady rate below Telegram's global budget, so the limiter never makes
 * them wait: what is measured is how fast work reaches a sending engine.
 *
 * <ul>
 *   <li><b>other instance, polling</b>: a submit-only process saves the delivery; an engine in another process finds it
 *       at its next poll (the engine's default {@code pollInterval}, 1 s).</li>
 *   <li><b>other instance, LISTEN/NOTIFY</b>: the same, with the engine subscribed to the store's wake-ups.</li>
 *   <li><b>same instance</b>: {@code engine.submit} on the sending engine (leased on save, handed over in memory).</li>
 * </ul>
 */
final class SubmitLatency {

    record Result(String mode, int samples, double p50, double p90, double p99, double max) {
    }

    /** Records when each delivery was first handed to the sender; delivers everything at once. */
    private static final class FirstAttempts implements Sender {
        final Map<DeliveryId, Long> firstAttemptNanos = new ConcurrentHashMap<>();
        private final AtomicLong messageIds = new AtomicLong();

        @Override
        public SendOutcome send(SendRequest request) {
            firstAttemptNanos.putIfAbsent(request.deliveryId(), System.nanoTime());
            return new SendOutcome.Delivered(List.of(messageIds.incrementAndGet()));
        }
    }

    private final BenchDatabase db;
    private final int samples;
    private final int perSecond;
    private final AtomicLong chats = new AtomicLong(5_000_000);

    SubmitLatency(BenchDatabase db, int samples, int perSecond) {
        this.db = db;
        this.samples = samples;
        this.perSecond = perSecond;
    }

    Result otherInstance(boolean listenNotify) throws Exception {
        try (PostgresRetryStore workerStore = PostgresRetryStore.start(db.storeConfig().poolSize(4).listenNotify(listenNotify).build());
             PostgresRetryStore submitStore = PostgresRetryStore.start(db.storeConfig().poolSize(2).listenNotify(listenNotify).build())) {
            FirstAttempts sender = new FirstAttempts();
            ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler(8);
            DeliveryEngine engine = engine(workerStore, sender, scheduler);
            try {
                if (listenNotify) {
                    workerStore.onNewWork(engine::wakeUp);
                }
                Submitter submit = request -> {
                    Delivery d = Delivery.accepted(DeliveryId.random(), request, Instant.now());
                    submitStore.save(d, null);
                    return d.id();
                };
                measure(submit, sender, samples / 10); // warm-up: connections, plans, JIT
                return summarize(listenNotify ? "other instance, LISTEN/NOTIFY" : "other instance, polling every 1 s",
                        measure(submit, sender, samples));
            } finally {
                engine.close();
                scheduler.close();
            }
        }
    }

    Result sameInstance() throws Exception {
        try (PostgresRetryStore store = PostgresRetryStore.start(db.storeConfig().poolSize(4).listenNotify(false).build())) {
            FirstAttempts sender = new FirstAttempts();
            ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler(8);
            DeliveryEngine engine = engine(store, sender, scheduler);
            try {
                Submitter submit = request -> engine.submit(request).id();
                measure(submit, sender, samples / 10);
                return summarize("same instance (engine.submit)", measure(submit, sender, samples));
            } finally {
                engine.close();
                scheduler.close();
            }
        }
    }

    private static DeliveryEngine engine(PostgresRetryStore store, Sender sender, ThreadPoolTaskScheduler scheduler) {
        Clock clock = Clock.systemUTC();
        return DeliveryEngine.builder().store(store).limiter(new LocalRateLimiter(RateBudgets.telegramDefaults(), clock))
                .sender(sender).notifier(Notifier.none()).clock(clock).scheduler(scheduler)
                .config(EngineConfig.defaults().withWorkerId("bench-" + System.nanoTime())).build().start();
    }

    private interface Submitter {
        DeliveryId submit(DeliveryRequest request);
    }

    /** Submits {@code count} deliveries at {@code perSecond}, then waits for every first attempt; returns latencies in ns. */
    private long[] measure(Submitter submitter, FirstAttempts sender, int count) throws Exception {
        Map<DeliveryId, Long> submittedAt = new ConcurrentHashMap<>();
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            LockSupport.parkNanos(next - System.nanoTime());
            next += interval;
            DeliveryRequest request = DeliveryRequest.builder(chats.incrementAndGet(), Payload.text("latency probe " + i)).build();
            long t0 = System.nanoTime();
            DeliveryId id = submitter.submit(request);
            submittedAt.put(id, t0);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!sender.firstAttemptNanos.keySet().containsAll(submittedAt.keySet())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("not every delivery reached the sender within 60 s");
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        List<Long> latencies = new ArrayList<>();
        submittedAt.forEach((id, t0) -> latencies.add(sender.firstAttemptNanos.get(id) - t0));
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private static Result summarize(String mode, long[] nanos) {
        Arrays.sort(nanos);
        return new Result(mode, nanos.length, ms(percentile(nanos, 0.50)), ms(percentile(nanos, 0.90)),
                ms(percentile(nanos, 0.99)), ms(nanos[nanos.length - 1]));
    }

    private static long percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
