package io.botdelivery.core.ratelimit;

import java.util.Arrays;
import java.util.Objects;

/**
 * The messages granted in one scope (a lane or a chat), one time stamp per message, sorted, kept for one
 * {@link WindowRule#retention()} after their time: what a limiter needs to count any sliding window exactly, past and
 * future grants alike. Not thread-safe: a limiter calls it under the scope's lock.
 *
 * <p>{@link #earliest} finds the earliest time at or after a given one where a request fits both windows of the rule,
 * including in a gap before grants already booked in the future. The check for a slot {@code s} counting {@code c}
 * in a window of length {@code W} holding at most {@code N}: no window {@code (a, a + W]} containing {@code s} may
 * already hold more than {@code M = N - c} messages. Taking the stamps in order, that fails exactly when some
 * {@code M + 1} consecutive stamps together with {@code s} span less than {@code W}; for a slot between stamps
 * {@code p - 1} and {@code p} that leaves three tests: the {@code M + 1} stamps before the slot
 * ({@code s >= u[p-1-M] + W}), the {@code M + 1} after it ({@code s <= u[p+M] - W}), and the groups that straddle it
 * ({@code u[j+M] - u[j] >= W}, only tested where the first two leave room). At the end of the line only the first
 * applies: a decision there is O(1), and a gap search costs one step per stamp it passes.
 *
 * <p>Memory: 8 bytes per message of the last window and of the future (240 bytes for a lane at 30/s, 8 KB at
 * 1000/s); a scope whose stamps are all older than the retention is {@link #isIdle idle}, the same as a scope never
 * seen.
 */
public final class GrantLog {
    private static final long NEVER = Long.MIN_VALUE / 4;
    private static final long FOREVER = Long.MAX_VALUE / 4;

    private final WindowRule rule;
    private long[] stamps;
    private int head;
    private int size;

    public GrantLog(WindowRule rule) {
        this(rule, 4);
    }

    /** A log with room for {@code capacity} stamps before it grows (a private chat needs 1 or 2). */
    public GrantLog(WindowRule rule, int capacity) {
        this.rule = Objects.requireNonNull(rule, "rule");
        this.stamps = new long[Math.max(1, capacity)];
    }

    public WindowRule rule() {
        return rule;
    }

    /** True when nothing granted here matters at {@code now} or later: the scope may be forgotten. */
    public boolean isIdle(long now) {
        return size == 0 || stamps[head + size - 1] <= now - rule.retention();
    }

    /** Stamps held (after dropping those older than the retention at {@code now}). */
    public int size(long now) {
        prune(now);
        return size;
    }

    /** The latest stamp held, or {@code Long.MIN_VALUE / 4} when none is. */
    public long lastStamp() {
        return size == 0 ? NEVER : stamps[head + size - 1];
    }

    /**
     * The earliest time at or after {@code from} (and {@code now}) at which {@code weight} messages fit both windows of
     * the rule, given every grant held. Always finds one: past the last stamp, time only frees room.
     */
    public long earliest(long now, long from, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, was " + weight);
        }
        prune(now);
        long start = Math.max(now, from);
        int budgetRoom = rule.permits() - rule.budgetCount(weight);
        int smoothingRoom = rule.burst() - rule.smoothingCount(weight);
        long window = rule.window();
        long smoothing = rule.smoothingWindow();
        for (int p = upperBound(start); ; p++) {
            // slots s with u[p-1] <= s < u[p]: p stamps at or before s
            long lo = Math.max(start, p == 0 ? NEVER : at(p - 1));
            long hi = p == size ? FOREVER : at(p) - 1;
            lo = Math.max(lo, afterGroupBefore(p, budgetRoom, window));
            lo = Math.max(lo, afterGroupBefore(p, smoothingRoom, smoothing));
            hi = Math.min(hi, beforeGroupAfter(p, budgetRoom, window));
            hi = Math.min(hi, beforeGroupAfter(p, smoothingRoom, smoothing));
            if (lo <= hi && noTightGroupStraddles(p, budgetRoom, window)
                    && noTightGroupStraddles(p, smoothingRoom, smoothing)) {
                return lo;
            }
        }
    }

    /**
     * Records a grant of {@code weight} messages at {@code slot} (found by {@link #earliest}; not checked again), up to
     * {@link WindowRule#MAX_COUNTED_WEIGHT} of them.
     */
    public void add(long slot, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, was " + weight);
        }
        int counted = WindowRule.countedWeight(weight);
        for (int i = 0; i < counted; i++) {
            insert(slot + rule.unitOffset(i));
        }
    }

    /**
     * Takes back a grant {@link #add}ed at {@code slot} with {@code weight}: one stamp per counted message, where the
     * add put it. A stamp no longer held (pruned, or never added) is skipped; returns how many were taken back.
     */
    public int remove(long slot, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, was " + weight);
        }
        int counted = WindowRule.countedWeight(weight);
        int removed = 0;
        for (int i = 0; i < counted; i++) {
            long stamp = slot + rule.unitOffset(i);
            int p = upperBound(stamp) - 1;
            if (p >= 0 && at(p) == stamp) {
                int at = head + p;
                System.arraycopy(stamps, at + 1, stamps, at, size - p - 1);
                size--;
                removed++;
            }
        }
        if (size == 0) {
            head = 0;
        }
        return removed;
    }

    /** The stamps held, oldest first (for tests and for handing a schedule over). */
    public long[] stamps() {
        return Arrays.copyOfRange(stamps, head, head + size);
    }

    /** The earliest slot after the {@code room + 1} stamps before position {@code p} may go (or NEVER). */
    private long afterGroupBefore(int p, int room, long window) {
        int j = p - 1 - room;
        return j < 0 ? NEVER : at(j) + window;
    }

    /** The latest slot before the {@code room + 1} stamps from position {@code p} on may go (or FOREVER). */
    private long beforeGroupAfter(int p, int room, long window) {
        int last = p + room;
        return last >= size ? FOREVER : at(last) - window;
    }

    /** Whether no {@code room + 1} consecutive stamps around position {@code p} already span less than a window. */
    private boolean noTightGroupStraddles(int p, int room, long window) {
        for (int j = Math.max(0, p - room); j <= p - 1 && j + room < size; j++) {
            if (at(j + room) - at(j) < window) {
                return false;
            }
        }
        return true;
    }

    private long at(int index) {
        return stamps[head + index];
    }

    /** Stamps at or before {@code time}. */
    private int upperBound(long time) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid) <= time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void prune(long now) {
        long oldest = now - rule.retention();
        while (size > 0 && stamps[head] <= oldest) {
            head++;
            size--;
        }
        if (size == 0) {
            head = 0;
        }
    }

    private void insert(long stamp) {
        if (head + size == stamps.length) {
            if (head > 0) {
                System.arraycopy(stamps, head, stamps, 0, size);
                head = 0;
            } else {
                stamps = Arrays.copyOf(stamps, stamps.length * 2);
            }
        }
        int p = upperBound(stamp);
        int at = head + p;
        System.arraycopy(stamps, at, stamps, at + 1, size - p);
        stamps[at] = stamp;
        size++;
    }
}
