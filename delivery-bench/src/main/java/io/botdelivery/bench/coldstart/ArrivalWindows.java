package io.botdelivery.bench.coldstart;

import java.time.Duration;
import java.util.List;

/** Counting arrivals in sliding windows, as Telegram counts them. */
public final class ArrivalWindows {
    private ArrivalWindows() {
    }

    /** The most of {@code sortedNanos} within any half-open interval of length {@code window}. */
    public static int maxInAny(List<Long> sortedNanos, Duration window) {
        long length = window.toNanos();
        int max = 0;
        int start = 0;
        for (int end = 0; end < sortedNanos.size(); end++) {
            while (sortedNanos.get(end) - sortedNanos.get(start) >= length) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }
}
