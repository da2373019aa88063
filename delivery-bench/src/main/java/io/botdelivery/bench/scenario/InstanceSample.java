package io.botdelivery.bench.scenario;

/**
 * One instance's resource use at one moment, as it reports it every second.
 *
 * @param slot        the instance
 * @param incarnation its start count
 * @param atMillis    epoch millis
 * @param cpuNanos    CPU time the JVM used since it started
 * @param heapUsed    heap in use (bytes)
 */
public record InstanceSample(int slot, int incarnation, long atMillis, long cpuNanos, long heapUsed) {

    /** Parses {@code @STATS atMillis cpuNanos heapUsed}; null if the line is something else. */
    static InstanceSample parse(int slot, int incarnation, String line) {
        String[] p = line.trim().split(" ");
        if (p.length != 4 || !p[0].equals("@STATS")) {
            return null;
        }
        try {
            return new InstanceSample(slot, incarnation, Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
