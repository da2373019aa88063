package io.botdelivery.limiter.local;

import java.util.Arrays;

/**
 * The bot-wide budget of one lane (standard or paid broadcast) as a time line of granted slots. Not thread-safe: the
 * limiter calls it under the lane's lock.
 *
 * <p>Why not a single GCRA state like a chat: a send that waits for its chat takes its lane slot in the future, and a
 * single theoretical arrival time would then block every other chat until that slot. Here each future grant keeps its
 * own place on the time line and other chats' sends are fitted into the gaps before it, as long as the whole sequence,
 * taken in time order, still conforms to the lane's {@link Gcra} (that is what keeps the window total). Grants whose
 * time has come are folded into {@link #baseTat}; what stays listed is bounded by the lane's rate times the longest
 * horizon callers use.
 *
 * <p>For each listed grant {@code i} two numbers are kept up to date: {@code tatAfter[i]}, the lane's theoretical
 * arrival time after it, and {@code maxEnter[i]}, the latest theoretical arrival time with which the sequence from
 * {@code i} on still conforms. A new grant fits between {@code i - 1} and {@code i} if it conforms after
 * {@code tatAfter[i - 1]} and leaves a theoretical arrival time no later than {@code maxEnter[i]}.
 */
final class LaneSchedule {
    private static final long INFINITY = Long.MAX_VALUE / 4;

    private final Gcra gcra;
    private long baseTat = Gcra.IDLE;
    private long blockedUntil = Gcra.IDLE;

    private long[] times = new long[16];
    private int[] weights = new int[16];
    private long[] tatAfter = new long[16];
    private long[] maxEnter = new long[16];
    private int head;
    private int size;
    /** Where the slot found by the last {@link #earliest} goes, for {@link #commit}. */
    private int foundGap = -1;

    LaneSchedule(Gcra gcra) {
        this.gcra = gcra;
    }

    /** Grants listed beyond {@code now} (after folding the past ones): what this lane keeps in memory. */
    int pending(long now) {
        fold(now);
        return size;
    }

    /** No slot of this lane before {@code until}; a shorter pause never shortens a longer one. */
    void pauseUntil(long until) {
        blockedUntil = Math.max(blockedUntil, until);
    }

    /** Until when a pause holds this lane (a past time when none does). */
    long pausedUntil() {
        return blockedUntil;
    }

    /** The earliest slot at or after {@code from} (and {@code now}) where a send of {@code weight} fits. */
    long earliest(long now, long from, int weight) {
        fold(now);
        long start = Math.max(Math.max(from, now), blockedUntil);
        long cost = gcra.cost(weight);
        long lead = gcra.lead(weight);
        for (int gap = firstGapAtOrAfter(start); ; gap++) {
            long entering = gap == 0 ? baseTat : tatAfter[head + gap - 1];
            long lo = Math.max(start, entering - lead);
            if (gap > 0) {
                lo = Math.max(lo, times[head + gap - 1]);
            }
            if (gap == size) {
                foundGap = gap;
                return lo;
            }
            long latestExit = maxEnter[head + gap];
            if (entering + cost <= latestExit) {
                long hi = Math.min(times[head + gap], latestExit - cost);
                if (lo <= hi) {
                    foundGap = gap;
                    return lo;
                }
            }
        }
    }

    /** Books the slot the last {@link #earliest} call found (same weight, no other call in between). */
    void commit(long slot, int weight) {
        int gap = foundGap;
        if (gap < 0) {
            throw new IllegalStateException("commit without earliest");
        }
        foundGap = -1;
        insert(gap, slot, weight);
        int at = head + gap;
        // the lane's theoretical arrival time after each later grant, until it stops changing
        long entering = gap == 0 ? baseTat : tatAfter[at - 1];
        for (int i = at; i < head + size; i++) {
            long next = gcra.after(entering, times[i], weights[i]);
            if (i > at && next == tatAfter[i]) {
                break;
            }
            tatAfter[i] = next;
            entering = next;
        }
        // the slack of each earlier grant, until it stops changing
        long exitLimit = at + 1 < head + size ? maxEnter[at + 1] : INFINITY;
        for (int i = at; i >= head; i--) {
            long limit = Math.min(times[i] + gcra.lead(weights[i]), Math.max(times[i], exitLimit - gcra.cost(weights[i])));
            if (i < at && limit == maxEnter[i]) {
                break;
            }
            maxEnter[i] = limit;
            exitLimit = limit;
        }
    }

    private void fold(long now) {
        while (size > 0 && times[head] <= now) {
            baseTat = tatAfter[head];
            head++;
            size--;
        }
        if (size == 0) {
            head = 0;
        }
    }

    /** The first gap whose next grant is at or after {@code start} (gap i lies before listed grant i). */
    private int firstGapAtOrAfter(long start) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[head + mid] < start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void insert(int gap, long slot, int weight) {
        if (head + size == times.length) {
            if (head > 0) {
                compact();
            } else {
                grow();
            }
        }
        int at = head + gap;
        int moved = size - gap;
        System.arraycopy(times, at, times, at + 1, moved);
        System.arraycopy(weights, at, weights, at + 1, moved);
        System.arraycopy(tatAfter, at, tatAfter, at + 1, moved);
        System.arraycopy(maxEnter, at, maxEnter, at + 1, moved);
        times[at] = slot;
        weights[at] = weight;
        size++;
    }

    private void compact() {
        System.arraycopy(times, head, times, 0, size);
        System.arraycopy(weights, head, weights, 0, size);
        System.arraycopy(tatAfter, head, tatAfter, 0, size);
        System.arraycopy(maxEnter, head, maxEnter, 0, size);
        head = 0;
    }

    private void grow() {
        int capacity = times.length * 2;
        times = Arrays.copyOf(times, capacity);
        weights = Arrays.copyOf(weights, capacity);
        tatAfter = Arrays.copyOf(tatAfter, capacity);
        maxEnter = Arrays.copyOf(maxEnter, capacity);
    }
}
