package io.botdelivery.limiter.local;

import io.botdelivery.core.spi.Budget;

/**
 * The arithmetic of the generic cell rate algorithm (virtual scheduling) for one {@link Budget}, on nanosecond time
 * stamps. A scope's whole state is its theoretical arrival time {@code tat}: the scope is idle once {@code tat <= now}.
 *
 * <p>Sends are spaced by {@code ceil(window / (permits - burst + 1))}, and a scope may run up to {@code burst} sends
 * ahead. Rounding up and subtracting the burst is what keeps the window total: with this spacing no half-open window
 * holds more than {@code permits} messages (the ceiling matters: 30 sends spaced by a truncated 1/30 s fit 31 in one
 * second). A weight {@code w} takes {@code w} intervals; a weight above the burst waits until the whole weight fits,
 * and a weight above the permits waits until the whole budget is back, then goes alone.
 */
final class Gcra {
    /** A theoretical arrival time far in the past: the state of a scope that never sent. */
    static final long IDLE = Long.MIN_VALUE / 4;
    /** Caps costs so absurd weights cannot overflow the arithmetic: ten years. */
    static final long MAX_NANOS = 10L * 366 * 24 * 3600 * 1_000_000_000L;

    private final long interval;
    private final int burst;
    private final int permits;

    Gcra(Budget budget) {
        this.permits = budget.permits();
        this.burst = budget.burst();
        long window = budget.window().toNanos();
        long slots = permits - burst + 1L;
        this.interval = Math.max(1, (window + slots - 1) / slots);
    }

    long interval() {
        return interval;
    }

    /** Nanoseconds of budget a send of {@code weight} takes. */
    long cost(int weight) {
        return weight > MAX_NANOS / interval ? MAX_NANOS : weight * interval;
    }

    /**
     * How far before {@code tat} a send of {@code weight} may go: positive within the burst, negative for a weight
     * above it (it waits until the whole weight fits).
     */
    long lead(int weight) {
        return (burst - (long) Math.min(weight, permits)) * interval;
    }

    /** The earliest time a send of {@code weight} conforms, given the scope's {@code tat}. */
    long earliest(long tat, int weight) {
        return tat - lead(weight);
    }

    /** The scope's {@code tat} after a send of {@code weight} at {@code slot}. */
    long after(long tat, long slot, int weight) {
        return Math.max(tat, slot) + cost(weight);
    }

    /** The scope's {@code tat} after a pause until {@code until}: no send conforms before then, not even in a burst. */
    long paused(long tat, long until) {
        return Math.max(tat, until + (burst - 1L) * interval);
    }
}
