package io.botdelivery.bench.engine;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Arrays;

/**
 * Paid-lane throughput with the engine's concurrency fixed at the old default (16) and sized by the engine (the new
 * default), back to back in one run: a paid broadcast to {@code chats} distinct chats, memory store, the local limiter
 * at Telegram's budgets with the example bot's arrival margins (50 ms on the lanes: the paid lane may then send
 * 1000 / 1.05 s = 952 msg/s; a third row without the lane margin, 1000 msg/s), and a sender that answers each call after a fixed simulated Bot API round trip.
 *
 * <p>Usage: {@code java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.engine.PaidLaneConcurrency
 * [chats, 5000] [round trip ms, 100]}. Prints one row per configuration: msg/s between the first and the last send,
 * its share of what the limiter allows, msg/s from one second after the first send (past the ramp-up), the most sends seen on the wire at once and the engine's worker threads at the
 * end of the broadcast.
 */
public final class PaidLaneConcurrency {
    private PaidLaneConcurrency() {
    }

    /** Answers Delivered after the round trip; records when sends leave and how many are on the wire. */
    static final class RoundTripSender implements Sender {
        private final long roundTripMillis;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger onTheWire = new AtomicInteger();
        final AtomicInteger mostOnTheWire = new AtomicInteger();
        /** When each send left, by call number. */
        final long[] leftAt;

        RoundTripSender(Duration roundTrip, int chats) {
            this.roundTripMillis = roundTrip.toMillis();
            this.leftAt = new long[chats];
        }

        @Override
        public SendOutcome send(SendRequest request) {
            int n = calls.getAndIncrement();
            if (n < leftAt.length) {
                leftAt[n] = System.nanoTime();
            }
            mostOnTheWire.accumulateAndGet(onTheWire.incrementAndGet(), Math::max);
            try {
                Thread.sleep(roundTripMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new SendOutcome.Ambiguous("interrupted");
            } finally {
                onTheWire.decrementAndGet();
            }
            return new SendOutcome.Delivered(List.of(request.chatId()));
        }

        /** The rates of the sends recorded so far (every recipient's). */
        Rates rates() {
            long[] left = leftAt.clone();
            Arrays.sort(left);
            int n = left.length;
            double seconds = (left[n - 1] - left[0]) / 1e9;
            long steadyFrom = left[0] + 1_000_000_000L;
            int firstSteady = 0;
            while (firstSteady < n && left[firstSteady] < steadyFrom) {
                firstSteady++;
            }
            double steady = firstSteady < n - 1 ? (n - 1 - firstSteady) / ((left[n - 1] - left[firstSteady]) / 1e9) : Double.NaN;
            return new Rates((n - 1) / seconds, steady);
        }
    }

    /** Sends per second between the first and the last send, and from one second after the first (past the ramp-up). */
    record Rates(double perSecond, double steadyPerSecond) {
    }

    record Row(String name, double allowed, double perSecond, double steadyPerSecond, int mostOnTheWire, long workerThreads) {
    }

    static Row run(String name, EngineConfig config, Duration laneMargin, int chats, Duration roundTrip)
            throws InterruptedException {
        RateBudgets budgets = RateBudgets.telegramDefaults().withArrivalMargins(laneMargin, Duration.ofMillis(250));
        RoundTripSender sender = new RoundTripSender(roundTrip, chats);
        DeliveryEngine engine = DeliveryEngine.builder().store(new InMemoryRetryStore())
                .limiter(new LocalRateLimiter(budgets, Clock.systemUTC())).sender(sender)
                // every recipient held in memory at once in both runs, so the store's claim cadence is not measured
                .config(config.toBuilder().maxBuffered(chats).build()).build().start();
        try {
            for (int i = 0; i < chats; i++) {
                engine.submit(DeliveryRequest.builder(1_000_000L + i, Payload.text("paid " + i)).allowPaidBroadcast(true).build());
            }
            while (sender.calls.get() < chats) {
                Thread.sleep(50);
            }
            long workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("delivery-worker")).count();
            Rates rates = sender.rates();
            double allowed = budgets.paidBroadcast().permits() / (budgets.paidBroadcast().window().toNanos() / 1e9);
            return new Row(name, allowed, rates.perSecond(), rates.steadyPerSecond(), sender.mostOnTheWire.get(), workers);
        } finally {
            engine.close();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int chats = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Duration roundTrip = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 100);
        System.out.printf(Locale.ROOT, "paid broadcast to %d chats, memory store, local limiter at Telegram's budgets, "
                + "Bot API round trip %d ms%n", chats, roundTrip.toMillis());
        Duration margin = Duration.ofMillis(50);
        List<Row> rows = List.of(
                run("fixed 16 (old default), lanes +50 ms", EngineConfig.defaults().withMaxConcurrentSends(16), margin, chats, roundTrip),
                run("adaptive (new default), lanes +50 ms", EngineConfig.defaults(), margin, chats, roundTrip),
                run("adaptive, no lane margin", EngineConfig.defaults(), Duration.ZERO, chats, roundTrip));
        System.out.printf(Locale.ROOT, "| %-38s | %7s | %7s | %8s | %12s | %16s | %14s |%n", "concurrency", "allowed", "msg/s",
                "share", "steady msg/s", "most on the wire", "worker threads");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-38s | %7.0f | %7.1f | %8.3f | %12.1f | %16d | %14d |%n", r.name(), r.allowed(),
                    r.perSecond(), r.perSecond() / r.allowed(), r.steadyPerSecond(), r.mostOnTheWire(), r.workerThreads());
        }
    }
}
