package io.botdelivery.store.postgres;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;

import java.time.Duration;

/**
 * Grants every reservation, spaced evenly at {@code perSecond} globally: a stand-in for Telegram's global budget that
 * makes an engine run last long enough to be interrupted in the middle. Thread-safe.
 */
final class PacedLimiter implements RateLimiter {
    private final long intervalNanos;
    private long nextFreeNanos;

    PacedLimiter(int perSecond) {
        this.intervalNanos = 1_000_000_000L / perSecond;
    }

    @Override
    public synchronized Reservation reserve(RateRequest request, Duration horizon) {
        long now = System.nanoTime();
        long slot = Math.max(now, nextFreeNanos);
        long wait = slot - now;
        if (wait > horizon.toNanos()) {
            return Reservation.denied(Duration.ofNanos(wait - horizon.toNanos() + 1_000_000), LimitScope.global());
        }
        nextFreeNanos = slot + intervalNanos * request.weight();
        return Reservation.granted(Duration.ofNanos(wait));
    }

    @Override
    public void penalize(LimitScope scope, Duration duration) {
        // the scripted sender never answers 429
    }

    @Override
    public Duration globalPause() {
        return Duration.ZERO;
    }
}
