package io.botdelivery.limiter.redis;

import io.botdelivery.core.spi.Budget;

/**
 * A {@link Budget} as GCRA parameters in whole microseconds, with the same arithmetic as {@code limiter.lua} (and as
 * limiter-local): sends are spaced by {@code I = ceil(window / (permits - burst + 1))}; a send of weight {@code w} costs
 * {@code w · I} and may go {@code lead(w) = (burst - min(w, permits)) · I} before the scope's theoretical arrival time.
 *
 * <p>Why this spacing and not {@link Budget#emissionIntervalNanos()}: that one rounds down (30 sends spaced by a
 * truncated 1/30 s fit 31 in one second), and with a burst above 1 the window total holds only if the rest is spaced by
 * {@code window / (permits - burst + 1)}. A negative lead is a weight above the burst, which waits until the whole
 * weight fits; a weight above the permits waits until the whole budget is back, then goes alone.
 */
record GcraRate(long intervalMicros, int burst, int permits) {
    GcraRate {
        if (intervalMicros < 1) {
            throw new IllegalArgumentException("the emission interval must be at least 1 µs, was " + intervalMicros);
        }
        if (burst < 1 || burst > permits) {
            throw new IllegalArgumentException("burst must be between 1 and permits (" + permits + "), was " + burst);
        }
    }

    static GcraRate of(Budget budget) {
        long slots = budget.permits() - budget.burst() + 1L;
        long windowMicros = ceilDiv(budget.window().toNanos(), 1_000);
        return new GcraRate(Math.max(1, ceilDiv(windowMicros, slots)), budget.burst(), budget.permits());
    }

    long cost(int weight) {
        return weight * intervalMicros;
    }

    long lead(int weight) {
        return (burst - (long) Math.min(weight, permits)) * intervalMicros;
    }

    /** The earliest time, not before {@code notBefore}, at which a send of {@code weight} conforms after {@code tat}. */
    long earliest(long tat, long notBefore, int weight) {
        return Math.max(notBefore, tat - lead(weight));
    }

    /** The theoretical arrival time after a send of {@code weight} at {@code at}. */
    long advance(long tat, long at, int weight) {
        return Math.max(tat, at) + cost(weight);
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
