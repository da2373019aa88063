package io.botdelivery.bench.scenario;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;

import java.time.Duration;

/**
 * A {@link RateLimiter} that writes every slot it grants (when, for which chat, how heavy, how far ahead) to the
 * {@link EventLog}: the coordinator compares the slots with when the sends really left and arrived, to tell a limiter
 * that grants too much from sends that bunch up on their way to Telegram.
 */
final class LoggedRateLimiter implements RateLimiter {
    private final RateLimiter delegate;
    private final EventLog log;

    LoggedRateLimiter(RateLimiter delegate, EventLog log) {
        this.delegate = delegate;
        this.log = log;
    }

    @Override
    public Reservation reserve(RateRequest request, Duration horizon) {
        long start = log.nowMicros();
        Reservation r = delegate.reserve(request, horizon);
        if (r instanceof Reservation.Granted g) {
            log.grant(request.chatId(), request.weight(), request.paidBroadcast(), g.delay().toNanos() / 1_000, start);
        }
        return r;
    }

    @Override
    public boolean release(RateRequest request, Reservation.Granted grant) {
        boolean givenBack = delegate.release(request, grant);
        if (givenBack) {
            log.ungrant(request.chatId());
        }
        return givenBack;
    }

    @Override
    public void penalize(LimitScope scope, Duration duration) {
        delegate.penalize(scope, duration);
    }

    @Override
    public Duration globalPause() {
        return delegate.globalPause();
    }
}
