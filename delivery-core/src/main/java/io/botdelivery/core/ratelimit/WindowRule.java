package io.botdelivery.core.ratelimit;

import io.botdelivery.core.spi.Budget;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One {@link Budget} as the two sliding windows a limiter checks, in whole ticks of a time unit (nanoseconds in
 * limiter-local, microseconds in limiter-redis and its Lua script, which repeats this arithmetic).
 *
 * <ul>
 *   <li>the <b>budget window</b>: at most {@code permits} messages in any window of {@code window} ticks, counted
 *       exactly over the grants themselves (this is what keeps "never faster");</li>
 *   <li>the <b>smoothing window</b>: at most {@code burst} messages in any window of {@code burst × interval} ticks,
 *       where {@code interval = ceil(window / permits)}. It only spreads sends out (with a burst of 1, singles go at
 *       least one interval apart, as a GCRA with burst 1 would space them); it never decides the window total.</li>
 * </ul>
 *
 * <p>A request of weight {@code w} counts {@code min(w, permits)} in the budget window and {@code min(w, burst)} in the
 * smoothing window at its slot: an album of k is admitted when k slots fit the window, and needs one smoothing slot,
 * not k emission intervals. A weight above the permits (an album of 4 to a chat allowed 1 per second) goes alone once
 * the whole budget is back, and its remaining items hold the budget for the windows after it, as if they had been
 * sent one window apart ({@link #unitOffset}). Why windows and not a GCRA for the smoothing too: a window check is
 * symmetric in time, so a grant can be placed in a gap before grants already booked in the future (a chat that waits
 * books its slot ahead without holding back other chats) with the same check as at the end of the line.
 *
 * @param window          the budget window, in ticks
 * @param permits         messages allowed in any budget window
 * @param burst           messages allowed in any smoothing window
 * @param interval        {@code ceil(window / permits)}: the spacing of evenly spaced sends, rounded up so that
 *                        {@code permits} of them never fit in less than a window
 */
public record WindowRule(long window, int permits, int burst, long interval) {
    /**
     * The most messages one grant counts: a scope keeps one stamp per message, so an absurd weight must not become
     * billions of stamps (or a script loop of billions on Redis). No Telegram request comes near it: an album has at
     * most 10 items.
     */
    public static final int MAX_COUNTED_WEIGHT = 10_000;

    public WindowRule {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 tick, was " + window);
        }
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        if (burst < 1 || burst > permits) {
            throw new IllegalArgumentException("burst must be between 1 and permits (" + permits + "), was " + burst);
        }
        if (interval < 1) {
            throw new IllegalArgumentException("interval must be at least 1 tick, was " + interval);
        }
    }

    /** The rule of {@code budget} in ticks of {@code unit}: the window rounded up to a whole tick, never down. */
    public static WindowRule of(Budget budget, TimeUnit unit) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(unit, "unit");
        long nanosPerTick = unit.toNanos(1);
        long window = ceilDiv(budget.window().toNanos(), nanosPerTick);
        return new WindowRule(window, budget.permits(), budget.burst(), ceilDiv(window, budget.permits()));
    }

    /** The smoothing window: {@code burst × interval} ticks. */
    public long smoothingWindow() {
        return burst * interval;
    }

    /** How long a grant matters to later decisions: the longer of the two windows. */
    public long retention() {
        return Math.max(window, smoothingWindow());
    }

    /** The messages a grant of {@code weight} records: the weight, up to {@link #MAX_COUNTED_WEIGHT}. */
    public static int countedWeight(int weight) {
        return Math.min(weight, MAX_COUNTED_WEIGHT);
    }

    /** What a request of {@code weight} counts in the budget window at its slot. */
    public int budgetCount(int weight) {
        return Math.min(weight, permits);
    }

    /** What a request of {@code weight} counts in the smoothing window at its slot. */
    public int smoothingCount(int weight) {
        return Math.min(weight, burst);
    }

    /**
     * Where the {@code index}-th message (0-based) of a grant at the slot is counted, as an offset from the slot: the
     * first {@code permits} at the slot, the next {@code permits} one window later, and so on.
     */
    public long unitOffset(int index) {
        return (index / permits) * window;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
