package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link RateLimiter} that forwards every call to another one: a test extends it and overrides only the calls it
 * watches or changes (a limiter a round trip away, one that counts its grants), and the rest of the port keeps its
 * behaviour, {@link #release} included.
 */
public abstract class ForwardingRateLimiter implements RateLimiter {
    private final RateLimiter delegate;

    protected ForwardingRateLimiter(RateLimiter delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The limiter every call goes to. */
    protected final RateLimiter delegate() {
        return delegate;
    }

    @Override
    public Reservation reserve(RateRequest request, Duration horizon) {
        return delegate.reserve(request, horizon);
    }

    @Override
    public boolean release(RateRequest request, Reservation.Granted grant) {
        return delegate.release(request, grant);
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
