package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Records the slots a rate limiter granted and finds the busiest sliding window of each budget. Thread-safe: many
 * callers (and many limiter instances sharing one budget) may record into one recorder.
 *
 * <p>A grant's send time may be known only within bounds: in real time the limiter reads its own clock (or a Redis
 * server's) somewhere between the moment the call started and the moment it returned. Each grant is therefore
 * recorded as {@code [earliest, latest]}, and a window counts only the grants <em>certainly</em> inside it. A violation
 * reported here is real, never an artefact of call latency; with an exact clock ({@code earliest == latest}) nothing is
 * missed either.
 *
 * <p>Windows are half-open, {@code [x, x + window)}. A window holding a single grant never violates: a weight larger than
 * the whole budget (an album of 10 to a chat allowed 1 per second) is granted alone, it is not split.
 */
public final class SlidingWindowRecorder {

    /** One granted slot: {@code weight} messages sent at a time within {@code [earliestNanos, latestNanos]}. */
    public record Grant(WindowKey key, long earliestNanos, long latestNanos, int weight) {
        public Grant {
            Objects.requireNonNull(key, "key");
            if (latestNanos < earliestNanos) {
                throw new IllegalArgumentException("latest before earliest");
            }
            if (weight < 1) {
                throw new IllegalArgumentException("weight must be at least 1, was " + weight);
            }
        }
    }

    /** The busiest window found: {@code units} messages in {@code grants} grants, the window starting at {@code startNanos}. */
    public record Peak(int units, int grants, long startNanos) {
        public static final Peak NONE = new Peak(0, 0, 0);
    }

    /**
     * Most grants recorded for one scope. No test of the kit comes near it with a limiter that keeps its budgets; a
     * limiter that grants everything reaches it quickly, and fails there instead of filling the heap.
     */
    public static final int MAX_GRANTS_PER_SCOPE = 200_000;

    private final Map<WindowKey, List<Grant>> grants = new ConcurrentHashMap<>();

    /** Records a granted request: its weight counts in its lane and in its chat; returns the two grants recorded. */
    public List<Grant> recordGrant(RateRequest request, long earliestSendNanos, long latestSendNanos) {
        return List.of(record(WindowKey.lane(request.paidBroadcast()), earliestSendNanos, latestSendNanos, request.weight()),
                record(WindowKey.chat(request.chatId()), earliestSendNanos, latestSendNanos, request.weight()));
    }

    public Grant record(WindowKey key, long earliestNanos, long latestNanos, int weight) {
        Grant grant = new Grant(key, earliestNanos, latestNanos, weight);
        List<Grant> list = grants.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (list) {
            if (list.size() >= MAX_GRANTS_PER_SCOPE) {
                throw new AssertionError(key + ": more than " + MAX_GRANTS_PER_SCOPE + " grants recorded; no budget in the"
                        + " kit allows that many in one test, so the limiter grants far too much");
            }
            list.add(grant);
        }
        return grant;
    }

    /** Takes back a grant recorded with {@link #record} (its send never left): it no longer counts in any window. */
    public void remove(Grant grant) {
        List<Grant> list = grants.get(grant.key());
        if (list != null) {
            synchronized (list) {
                list.remove(grant);
            }
        }
    }

    public Set<WindowKey> keys() {
        return Set.copyOf(grants.keySet());
    }

    /** Every grant recorded for {@code key}, in send-time order. */
    public List<Grant> grants(WindowKey key) {
        List<Grant> list = grants.getOrDefault(key, List.of());
        List<Grant> copy;
        synchronized (list) {
            copy = new ArrayList<>(list);
        }
        copy.sort(Comparator.comparingLong(Grant::earliestNanos));
        return copy;
    }

    /** Total messages granted to {@code key}. */
    public int units(WindowKey key) {
        return grants(key).stream().mapToInt(Grant::weight).sum();
    }

    /** The window of length {@code window} holding the most messages (single grants included). */
    public Peak busiestWindow(WindowKey key, Duration window) {
        return busiest(grants(key), window.toNanos(), 1);
    }

    /**
     * Fails if some window of {@code budget.window()} certainly holds more than {@code budget.permits()} messages in two
     * or more grants, naming the grants of that window.
     */
    public void assertWithin(WindowKey key, Budget budget) {
        List<Grant> sorted = grants(key);
        long window = budget.window().toNanos();
        Peak peak = busiest(sorted, window, 2);
        if (peak.units() > budget.permits()) {
            long start = peak.startNanos();
            String detail = sorted.stream()
                    .filter(g -> g.earliestNanos() >= start && g.latestNanos() < start + window)
                    .map(g -> String.format("+%.3f ms x%d", (g.earliestNanos() - start) / 1e6, g.weight()))
                    .collect(Collectors.joining(", "));
            throw new AssertionError(String.format(
                    "%s: %d messages in %d grants within one window of %s, budget is %d per window: [%s]",
                    key, peak.units(), peak.grants(), budget.window(), budget.permits(), detail));
        }
    }

    /** {@link #assertWithin(WindowKey, Budget)} for every key recorded, each against its budget in {@code budgets}. */
    public void assertWithin(RateBudgets budgets) {
        for (WindowKey key : keys()) {
            assertWithin(key, key.budgetIn(budgets));
        }
    }

    /**
     * The window {@code [start, start + window)}, starting at some grant's earliest time, holding the most messages in
     * at least {@code minGrants} grants certainly inside it (earliest at or after its start, latest before its end).
     * O(n log n): windows are visited from the last start to the first, each grant entering a Fenwick tree indexed by
     * its latest time as its start is passed, so a window's content is one prefix sum over "latest before the end".
     * (The previous pairwise scan was O(n × grants per window): quadratic on a limiter that grants everything.)
     */
    static Peak busiest(List<Grant> sorted, long window, int minGrants) {
        int n = sorted.size();
        long[] latest = sorted.stream().mapToLong(Grant::latestNanos).sorted().distinct().toArray();
        long[] unitTree = new long[latest.length + 1];
        long[] countTree = new long[latest.length + 1];
        Peak best = Peak.NONE;
        for (int i = n - 1; i >= 0; i--) {
            Grant g = sorted.get(i);
            int at = java.util.Arrays.binarySearch(latest, g.latestNanos()) + 1;
            for (int k = at; k < unitTree.length; k += k & -k) {
                unitTree[k] += g.weight();
                countTree[k]++;
            }
            // equal earliest times: only the first of them starts a window holding all of them
            if (i > 0 && sorted.get(i - 1).earliestNanos() == g.earliestNanos()) {
                continue;
            }
            long start = g.earliestNanos();
            int below = lowerBound(latest, start + window);
            long units = 0;
            long count = 0;
            for (int k = below; k > 0; k -= k & -k) {
                units += unitTree[k];
                count += countTree[k];
            }
            if (count >= minGrants && units > best.units()) {
                best = new Peak((int) Math.min(Integer.MAX_VALUE, units), (int) count, start);
            }
        }
        return best;
    }

    /** How many of {@code sorted} are below {@code bound}. */
    private static int lowerBound(long[] sorted, long bound) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < bound) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
