package io.botdelivery.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When to try again after a failed attempt: a few quick retries held in memory (1, 2, 4, 8, 16 s by default, with
 * jitter so many failed deliveries do not come back in lockstep), then the slow schedule (5, 10, 20, 40, 60, 60… min)
 * through the store, up to {@code maxAttempts}.
 *
 * @param quick       delays after failed attempts 1..quick.size()
 * @param slow        delays after the following attempts; the last one repeats
 * @param maxAttempts the attempt that fails this many times ends FAILED
 * @param jitter      each delay is scaled by a random factor in [1 - jitter, 1 + jitter]; 0 for none
 */
public record RetryPolicy(List<Duration> quick, List<Duration> slow, int maxAttempts, double jitter) {

    public RetryPolicy {
        quick = List.copyOf(quick);
        slow = List.copyOf(slow);
        if (slow.isEmpty()) {
            throw new IllegalArgumentException("the slow schedule needs at least one delay");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }

    public static RetryPolicy defaults() {
        return new RetryPolicy(
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16)),
                List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofMinutes(60)),
                10, 0.2);
    }

    public RetryPolicy withMaxAttempts(int n) {
        return new RetryPolicy(quick, slow, n, jitter);
    }

    public RetryPolicy withJitter(double j) {
        return new RetryPolicy(quick, slow, maxAttempts, j);
    }

    /** Whether a delivery that has failed {@code attempts} times is out of attempts. */
    public boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    /** The nominal delay after the {@code attempts}-th failed attempt (1-based), before jitter. */
    public Duration nominalDelayAfter(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts is 1-based");
        }
        if (attempts <= quick.size()) {
            return quick.get(attempts - 1);
        }
        int slowIndex = Math.min(attempts - quick.size() - 1, slow.size() - 1);
        return slow.get(slowIndex);
    }

    /** The delay after the {@code attempts}-th failed attempt, with jitter drawn from {@code random}. */
    public Duration delayAfter(int attempts, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        Duration nominal = nominalDelayAfter(attempts);
        if (jitter == 0) {
            return nominal;
        }
        double factor = 1 - jitter + 2 * jitter * random.nextDouble();
        return Duration.ofNanos((long) (nominal.toNanos() * factor));
    }
}
