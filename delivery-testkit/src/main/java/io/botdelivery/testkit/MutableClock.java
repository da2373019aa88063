package io.botdelivery.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Clock} that tests move by hand. Thread-safe; nanosecond resolution. Nothing sleeps. */
public final class MutableClock extends Clock {
    private final AtomicLong epochNanos;
    private final ZoneId zone;

    private MutableClock(long epochNanos, ZoneId zone) {
        this.epochNanos = new AtomicLong(epochNanos);
        this.zone = zone;
    }

    public static MutableClock at(String instant) {
        return at(Instant.parse(instant));
    }

    public static MutableClock at(Instant instant) {
        return new MutableClock(toNanos(instant), ZoneOffset.UTC);
    }

    /** Moves time forward (never backward: a negative duration is refused). */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + duration);
        }
        epochNanos.addAndGet(duration.toNanos());
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    /** Sets the time; refuses to go back. */
    public void set(Instant instant) {
        long target = toNanos(instant);
        epochNanos.updateAndGet(current -> {
            if (target < current) {
                throw new IllegalArgumentException("time does not go back: " + instant);
            }
            return target;
        });
    }

    public long nanos() {
        return epochNanos.get();
    }

    @Override
    public Instant instant() {
        long n = epochNanos.get();
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    @Override
    public long millis() {
        return Math.floorDiv(epochNanos.get(), 1_000_000L);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        // shares the same time source, so moving either moves both
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return newZone;
            }

            @Override
            public Clock withZone(ZoneId z) {
                return MutableClock.this.withZone(z);
            }

            @Override
            public Instant instant() {
                return MutableClock.this.instant();
            }
        };
    }

    private static long toNanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + "]";
    }
}
