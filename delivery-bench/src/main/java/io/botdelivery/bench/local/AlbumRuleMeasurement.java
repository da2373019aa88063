package io.botdelivery.bench.local;

import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.limiter.local.LocalRateLimiter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * The album rule measured on the real limiter, next to {@code scripts/album-rule-model.py}'s prediction: a saturated
 * standard lane (Telegram's 30/s, no arrival margin), the model's workload (10 % albums of 2–4 items, each request to a
 * chat of its own), a dispatcher that asks for the next slot as soon as the previous one is granted. Prints the share
 * of the budget used. Time is a clock moved by the program, so the figure does not depend on the machine.
 *
 * <pre>java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.local.AlbumRuleMeasurement [requests]</pre>
 */
public final class AlbumRuleMeasurement {
    private AlbumRuleMeasurement() {
    }

    public static void main(String[] args) {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        SteppedClock clock = new SteppedClock();
        RateBudgets budgets = RateBudgets.telegramDefaults();
        LocalRateLimiter limiter = new LocalRateLimiter(budgets, clock);
        Random random = new Random(20261128);

        long messages = 0;
        long lastSlot = 0;
        for (int i = 0; i < requests; i++) {
            int weight = random.nextDouble() > 0.1 ? 1 : 2 + random.nextInt(3);
            Reservation reservation = limiter.reserve(new RateRequest(i + 1, weight, false), Duration.ofMinutes(1));
            if (!(reservation instanceof Reservation.Granted granted)) {
                throw new IllegalStateException("a one-minute horizon always fits a saturated lane: " + reservation);
            }
            lastSlot = clock.nanos + granted.delay().toNanos();
            clock.nanos = lastSlot;
            messages += weight;
        }
        double budget = (double) lastSlot / budgets.global().window().toNanos() * budgets.global().permits();
        System.out.printf("| exact windows + smoothing window, burst 1 (limiter-local, measured) | %.3f |%n",
                messages / budget);
    }

    /** A clock the program moves: each request is asked at the previous one's slot. */
    private static final class SteppedClock extends Clock {
        private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
        long nanos;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }

        @Override
        public Instant instant() {
            return START.plusNanos(nanos);
        }
    }
}
