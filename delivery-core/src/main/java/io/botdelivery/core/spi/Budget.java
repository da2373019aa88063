package io.botdelivery.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code permits} messages in any sliding {@code window}, of which up to {@code burst} may go back to back.
 * With {@code burst = 1} sends are spaced evenly ({@code window / permits} apart), which never exceeds the budget in
 * any window; a larger burst lets short bursts through and then spaces the rest so the window total still holds.
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

    /** Average spacing between sends: window / permits, in nanoseconds. */
    public long emissionIntervalNanos() {
        return window.toNanos() / permits;
    }

    /** This budget scaled by {@code 1/n} (for one of n instances sharing a budget without coordination); at least 1 permit. */
    public Budget share(int n) {
        int p = Math.max(1, permits / n);
        return new Budget(p, window, Math.min(burst, p));
    }
}
