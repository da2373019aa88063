package io.botdelivery.bench.redis;

import java.util.Arrays;
import java.util.List;

/** Latencies in nanoseconds, appended by one thread at a time, merged and sorted for percentiles. */
final class Latencies {
    private long[] values = new long[1 << 14];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    static long[] sortedUnion(List<Latencies> parts) {
        int total = parts.stream().mapToInt(Latencies::size).sum();
        long[] all = new long[total];
        int at = 0;
        for (Latencies part : parts) {
            System.arraycopy(part.values, 0, all, at, part.size);
            at += part.size;
        }
        Arrays.sort(all);
        return all;
    }

    /** The {@code q}-quantile (0..1) of sorted values, in microseconds. */
    static double percentileMicros(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000.0;
    }
}
