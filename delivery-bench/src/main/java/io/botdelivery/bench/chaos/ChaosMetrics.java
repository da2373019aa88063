package io.botdelivery.bench.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Computes {@link ChaosFindings} from per-second throughput and the chaos events. Pure. */
public final class ChaosMetrics {
    /** Throughput counts as recovered when a 3-second moving average is back to this share of "before". */
    static final double RECOVERED_SHARE = 0.90;
    private static final int MOVING_AVERAGE_SECONDS = 3;
    private static final int MAX_WARMUP_SECONDS = 10;
    /** Before and after need this many seconds each to mean anything. */
    static final int MIN_WINDOW_SECONDS = 5;

    private ChaosMetrics() {
    }

    /**
     * @param events               what the timeline did
     * @param perSecond            standard-lane messages accepted in each second since {@code start}
     * @param start                the scenario's time zero
     * @param offerSeconds         how long the workload was offered (the "after" window ends there)
     * @param leaseRecoverySeconds for kills: the longest time until a killed instance's leased work was claimed by
     *                             another (that is the recovery); {@code null} for other faults
     */
    public static ChaosFindings of(List<ChaosEvent> events, double[] perSecond, Instant start, int offerSeconds,
                                   Double leaseRecoverySeconds) {
        if (events.isEmpty()) {
            return new ChaosFindings(0, 0, 0, null, "no fault happened");
        }
        int firstFault = second(start, events.get(0).at());
        ChaosEvent last = events.get(events.size() - 1);
        int lastFaultEnd = second(start, last.at());
        int warmup = Math.min(MAX_WARMUP_SECONDS, firstFault / 2);
        if (firstFault - warmup < MIN_WINDOW_SECONDS || offerSeconds - lastFaultEnd < MIN_WINDOW_SECONDS) {
            return new ChaosFindings(Double.NaN, Double.NaN, Double.NaN, null,
                    "not measured: the run has too little time before the first fault or after the last");
        }
        double before = mean(perSecond, warmup, firstFault);

        Double recovery;
        String meaning;
        if (last.kind() == ChaosEvent.Kind.KILL) {
            recovery = leaseRecoverySeconds;
            meaning = "longest time from a kill until another instance claimed the killed instance's leased deliveries";
        } else {
            recovery = throughputRecovery(perSecond, lastFaultEnd, offerSeconds, before);
            meaning = "time from the end of the fault until the first " + MOVING_AVERAGE_SECONDS + "-s window whose "
                    + "throughput was back to " + Math.round(RECOVERED_SHARE * 100) + " % of before";
        }
        int afterFrom = lastFaultEnd + (int) Math.ceil(recovery == null ? 0 : recovery);
        if (recovery != null && offerSeconds - afterFrom < MIN_WINDOW_SECONDS) {
            // an empty window would read as "throughput 0 after the fault": say it was not measured instead
            return new ChaosFindings(before, Double.NaN, Double.NaN, recovery, meaning
                    + "; throughput after it not measured: recovery ended too close to the end of the offering");
        }
        double after = recovery == null ? 0 : mean(perSecond, afterFrom, offerSeconds);
        double ratio = before > 0 ? after / before : 0;
        return new ChaosFindings(before, after, ratio, recovery, meaning);
    }

    /** Seconds from {@code from} to the start of the first 3-second window whose mean is back to 90 % of before. */
    private static Double throughputRecovery(double[] perSecond, int from, int until, double before) {
        if (before <= 0) {
            return null;
        }
        int end = Math.min(until, perSecond.length);
        for (int s = from; s + MOVING_AVERAGE_SECONDS <= end; s++) {
            if (mean(perSecond, s, s + MOVING_AVERAGE_SECONDS) >= RECOVERED_SHARE * before) {
                return (double) (s - from);
            }
        }
        return null;
    }

    static int second(Instant start, Instant at) {
        return (int) Math.max(0, Duration.between(start, at).toSeconds());
    }

    static double mean(double[] series, int from, int to) {
        int f = Math.max(0, from);
        int t = Math.min(series.length, to);
        if (t <= f) {
            return 0;
        }
        double sum = 0;
        for (int i = f; i < t; i++) {
            sum += series[i];
        }
        return sum / (t - f);
    }
}
