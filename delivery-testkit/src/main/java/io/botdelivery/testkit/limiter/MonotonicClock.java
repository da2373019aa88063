package io.botdelivery.testkit.limiter;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A real-time {@link Clock} that follows {@link System#nanoTime()}: it never jumps (no NTP steps) and it agrees, to the
 * nanosecond, with the time a {@link RecordingRateLimiter} stamps on grants in real-time tests. Starts at the wall time
 * of its creation.
 */
public final class MonotonicClock extends Clock {
    private final long originEpochNanos;
    private final long originNanoTime;

    private MonotonicClock(long originEpochNanos, long originNanoTime) {
        this.originEpochNanos = originEpochNanos;
        this.originNanoTime = originNanoTime;
    }

    public static MonotonicClock start() {
        Instant now = Instant.now();
        return new MonotonicClock(now.getEpochSecond() * 1_000_000_000L + now.getNano(), System.nanoTime());
    }

    /** Nanoseconds since the epoch, advancing exactly as {@link System#nanoTime()} does. */
    public long epochNanos() {
        return originEpochNanos + (System.nanoTime() - originNanoTime);
    }

    @Override
    public Instant instant() {
        long n = epochNanos();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("a MonotonicClock is always UTC");
    }
}
