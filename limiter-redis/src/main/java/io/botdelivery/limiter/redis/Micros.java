package io.botdelivery.limiter.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Conversions to the whole microseconds the script works in (exact in a Lua double until the year 2255). */
final class Micros {
    /** About 100 years: far beyond any horizon or penalty that makes sense, and far below overflow. */
    private static final long CAP = 100L * 365 * 24 * 3600 * 1_000_000;

    private Micros() {
    }

    static long of(Duration duration) {
        if (duration.getSeconds() >= CAP / 1_000_000) {
            return CAP;
        }
        return duration.getSeconds() * 1_000_000 + duration.getNano() / 1_000;
    }

    static long of(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    static long now(Clock clock) {
        return of(clock.instant());
    }

    static Duration toDuration(long micros) {
        return Duration.ofSeconds(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }
}
