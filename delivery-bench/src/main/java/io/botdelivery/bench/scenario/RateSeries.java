package io.botdelivery.bench.scenario;

import java.util.List;

/**
 * Messages accepted per second since the scenario's start, per lane: what the chart draws and what throughput ratios
 * are computed from. An album counts its items.
 *
 * @param startMicros the scenario's time zero (epoch micros)
 * @param standard    standard-lane messages in second i after the start
 * @param paid        paid-broadcast-lane messages in second i
 */
public record RateSeries(long startMicros, int[] standard, int[] paid) {

    public static RateSeries of(List<Arrival> arrivals, long startMicros, int seconds) {
        int[] standard = new int[seconds];
        int[] paid = new int[seconds];
        for (Arrival a : arrivals) {
            long second = (EventLog.micros(a.at()) - startMicros) / 1_000_000;
            if (second >= 0 && second < seconds) {
                (a.paid() ? paid : standard)[(int) second]++;
            }
        }
        return new RateSeries(startMicros, standard, paid);
    }

    public int seconds() {
        return standard.length;
    }

    /** Mean standard-lane messages per second over seconds [from, to); 0 for an empty range. */
    public double meanStandard(int from, int to) {
        return mean(standard, from, to);
    }

    public double meanPaid(int from, int to) {
        return mean(paid, from, to);
    }

    /** The standard lane as doubles (for the chaos metrics, which know nothing of arrivals). */
    public double[] standardAsDoubles() {
        double[] d = new double[standard.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = standard[i];
        }
        return d;
    }

    private static double mean(int[] series, int from, int to) {
        int f = Math.max(0, from);
        int t = Math.min(series.length, to);
        if (t <= f) {
            return 0;
        }
        long sum = 0;
        for (int i = f; i < t; i++) {
            sum += series[i];
        }
        return (double) sum / (t - f);
    }
}
