package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.RateLimiterContract;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kit on a decorator (counting decisions, as a metrics decorator would) around the sound reference limiter,
 * whose availability the test switches. Named so that Surefire does not run it on its own:
 * {@link RateLimiterContractCatchesBrokenLimitersTest} launches it with each {@link Flaw}.
 */
public class DecoratorKitRun extends RateLimiterContract {
    /** A careless decorator's mistake. */
    enum Flaw {
        NONE,
        /** Catches the delegate's RateLimiterUnavailableException and grants, so sends go out past every budget. */
        FAILS_OPEN,
        /** Grants everything at once without asking the delegate: the limiter that used to hang the kit. */
        GRANTS_EVERYTHING
    }

    static volatile Flaw flaw = Flaw.NONE;

    @Override
    protected RateLimiter createLimiter(RateBudgets budgets, Clock clock) {
        return new Counting(new Switchable(new ReferenceRateLimiter(budgets, clock, ReferenceRateLimiter.Flaw.NONE)), flaw);
    }

    @Override
    protected AutoCloseable makeUnavailable(RateLimiter limiter) {
        Switchable delegate = ((Counting) limiter).delegate;
        delegate.down = true;
        return () -> delegate.down = false;
    }

    /** The delegate, as a limiter on shared storage: throws RateLimiterUnavailableException while down. */
    static final class Switchable implements RateLimiter {
        private final RateLimiter limiter;
        volatile boolean down;

        Switchable(RateLimiter limiter) {
            this.limiter = limiter;
        }

        @Override
        public Reservation reserve(RateRequest request, Duration horizon) {
            if (down) {
                throw new RateLimiterUnavailableException("storage unreachable", null);
            }
            return limiter.reserve(request, horizon);
        }

        @Override
        public void penalize(LimitScope scope, Duration duration) {
            limiter.penalize(scope, duration);
        }

        @Override
        public Duration globalPause() {
            return limiter.globalPause();
        }
    }

    /** Counts grants and denials around its delegate; with a {@link Flaw}, gets one thing wrong. */
    static final class Counting implements RateLimiter {
        final Switchable delegate;
        private final Flaw flaw;
        final AtomicLong granted = new AtomicLong();
        final AtomicLong denied = new AtomicLong();

        Counting(Switchable delegate, Flaw flaw) {
            this.delegate = delegate;
            this.flaw = flaw;
        }

        @Override
        public Reservation reserve(RateRequest request, Duration horizon) {
            java.util.Objects.requireNonNull(request, "request");
            java.util.Objects.requireNonNull(horizon, "horizon");
            if (flaw == Flaw.GRANTS_EVERYTHING) {
                granted.incrementAndGet();
                return Reservation.granted(Duration.ZERO);
            }
            Reservation answer;
            try {
                answer = delegate.reserve(request, horizon);
            } catch (RateLimiterUnavailableException e) {
                if (flaw != Flaw.FAILS_OPEN) {
                    throw e;
                }
                answer = Reservation.granted(Duration.ZERO);
            }
            (answer instanceof Reservation.Granted ? granted : denied).incrementAndGet();
            return answer;
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
}
