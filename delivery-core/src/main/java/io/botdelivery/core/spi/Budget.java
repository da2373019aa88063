package io.botdelivery.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code permits} messages in any sliding {@code window}, and at most {@code burst} in any
 * {@code burst × }{@link #emissionIntervalNanos()} (the smoothing window). With {@code burst = 1} single sends are
 * spaced evenly, {@link #emissionIntervalNanos()} apart (rounded up, so the window total holds exactly); a larger burst
 * lets up to {@code burst} go back to back. The window total is counted exactly, so a burst costs no sustained rate,
 * and an album of k (weight k) needs k free places in the window but only {@code min(k, burst)} in the smoothing
 * window.
 */
public record Budget(int permits, Duration window, int burst) {
    public Budget {
        Objects.requireNonNull(window, "window");
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        if (burst < 1 || burst > permits) {
            throw new IllegalArgumentException("burst must be between 1 and permits (" + permits + "), was " + burst);
        }
    }

    public static Budget perSecond(int permits) {
        return new Budget(permits, Duration.ofSeconds(1), 1);
    }

    public static Budget of(int permits, Duration window) {
        return new Budget(permits, window, 1);
    }

    public Budget withBurst(int newBurst) {
        return new Budget(permits, window, newBurst);
    }

    /**
     * This budget with its window longer by {@code margin}: the same permits, spaced a little wider.
     *
     * <p>Telegram counts arrivals, and a send arrives a little after its slot (thread scheduling, GC pauses, the
     * network). When one send is late and a later one is not, two sends spaced exactly a window apart land closer than
     * a window, and the second is answered 429. A margin above that jitter keeps arrivals within the budget, at a cost
     * of {@code margin / (window + margin)} of the throughput (50 ms on a 1 s window: 4.8 %).
     *
     * @throws IllegalArgumentException if {@code margin} is negative
     */
    public Budget withArrivalMargin(Duration margin) {
        Objects.requireNonNull(margin, "margin");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin must not be negative, was " + margin);
        }
        return new Budget(permits, window.plus(margin), burst);
    }

    /**
     * Spacing between evenly spaced sends: window / permits in nanoseconds, rounded up, never down (a truncated
     * 1 s / 30 would fit 31 sends in one second).
     */
    public long emissionIntervalNanos() {
        long w = window.toNanos();
        return (w + permits - 1) / permits;
    }

    /**
     * This budget scaled by {@code 1/n}, for one of n instances sharing it without coordination: fewer permits per
     * window, or, when fewer than n permits exist, the same permits over an n/permits times longer window.
     */
    public Budget share(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1");
        }
        if (permits >= n) {
            int p = permits / n;
            return new Budget(p, window, Math.min(burst, p));
        }
        long stretch = (n + permits - 1) / permits;
        return new Budget(permits, window.multipliedBy(stretch), Math.min(burst, permits));
    }
}
