package io.botdelivery.core;

import java.time.Duration;

/**
 * How far ahead of its slot a send's preparation starts: the checks that must come right before a send (the bot-wide
 * pause in the limiter, the GIVE_UP "send started" mark in the store) are round trips, and on a loaded host they,
 * with the timer's own delay, took long enough that many sends missed their slot (a text broadcast through Redis and
 * PostgreSQL spent 18 % of its slots that way). Estimated like TCP's retransmission timeout (RFC 6298): a smoothed
 * mean of what preparations took, from when they were due until they ended, plus four smoothed deviations, so most
 * end before their slot; capped at {@link #MAX}, so the pause read is never much older than the send.
 *
 * <p>Not thread-safe: used under the engine lock.
 */
final class PreparationLead {
    /** The most a preparation starts ahead of its slot. */
    static final Duration MAX = Duration.ofMillis(100);
    private static final double MEAN_GAIN = 1.0 / 8;
    private static final double DEVIATION_GAIN = 1.0 / 4;

    private boolean measured;
    private double meanNanos;
    private double deviationNanos;

    /** How long before its slot the next preparation should start; zero until one was measured. */
    Duration lead() {
        if (!measured) {
            return Duration.ZERO;
        }
        long nanos = (long) (meanNanos + 4 * deviationNanos);
        return nanos >= MAX.toNanos() ? MAX : Duration.ofNanos(Math.max(0, nanos));
    }

    /** A preparation that ended {@code took} after it was due to start. */
    void record(Duration took) {
        double sample = Math.max(0, took.toNanos());
        if (!measured) {
            measured = true;
            meanNanos = sample;
            deviationNanos = sample / 2;
            return;
        }
        deviationNanos += DEVIATION_GAIN * (Math.abs(sample - meanNanos) - deviationNanos);
        meanNanos += MEAN_GAIN * (sample - meanNanos);
    }
}
