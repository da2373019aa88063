package io.botdelivery.bench.scenario;

import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.limiter.ForwardingRateLimiter;

import java.time.Duration;

/**
 * A {@link RateLimiter} that writes every slot it grants (when, for which chat, how heavy, how far ahead) to the
 * {@link EventLog}: the coordinator compares the slots with when the sends really left and arrived, to tell a limiter
 * that grants too much from sends that bunch up on their way to Telegram.
 */
final class LoggedRateLimiter extends ForwardingRateLimiter {
    private final EventLog log;

    LoggedRateLimiter(RateLimiter delegate, EventLog log) {
        super(delegate);
        this.log = log;
    }

    @Override
    public Reservation reserve(RateRequest request, Duration horizon) {
        long start = log.nowMicros();
        Reservation r = super.reserve(request, horizon);
        if (r instanceof Reservation.Granted g) {
            log.grant(request.chatId(), request.weight(), request.paidBroadcast(), g.delay().toNanos() / 1_000, start);
        }
        return r;
    }

    @Override
    public boolean release(RateRequest request, Reservation.Granted grant) {
        boolean givenBack = super.release(request, grant);
        if (givenBack) {
            log.ungrant(request.chatId());
        }
        return givenBack;
    }
}
