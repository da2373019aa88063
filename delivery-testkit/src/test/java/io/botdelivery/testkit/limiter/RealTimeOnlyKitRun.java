package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.testkit.RateLimiterContract;

import java.time.Clock;

/** The kit as a limiter that takes time from elsewhere (a Redis server) declares itself. Launched, never run alone. */
public class RealTimeOnlyKitRun extends RateLimiterContract {
    @Override
    protected RateLimiter createLimiter(RateBudgets budgets, Clock clock) {
        return new ReferenceRateLimiter(budgets, clock, ReferenceRateLimiter.Flaw.NONE);
    }

    @Override
    protected boolean followsInjectedClock() {
        return false;
    }
}
