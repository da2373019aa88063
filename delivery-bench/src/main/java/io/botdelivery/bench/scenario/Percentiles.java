package io.botdelivery.bench.scenario;

import java.util.Arrays;
import java.util.Collection;

/**
 * Exact percentiles of a few thousand measurements (nearest-rank: the smallest value at or below which {@code p}
 * percent of the values lie). Empty input gives {@link #NONE}.
 *
 * @param count how many values
 * @param p50   median
 * @param p99   99th percentile
 * @param max   the largest
 */
public record Percentiles(int count, long p50, long p99, long max) {
    public static final Percentiles NONE = new Percentiles(0, 0, 0, 0);

    public static Percentiles of(Collection<Long> values) {
        return of(values.stream().mapToLong(Long::longValue).toArray());
    }

    public static Percentiles of(long[] values) {
        if (values.length == 0) {
            return NONE;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    private static long rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
