package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.testkit.RateLimiterContract;

import java.time.Clock;

/**
 * The kit bound to a {@link ReferenceRateLimiter} with the flaw of the moment. Named so that Surefire does not run it
 * on its own: {@link RateLimiterContractCatchesBrokenLimitersTest} launches it, one flaw at a time.
 */
public class ReferenceLimiterKitRun extends RateLimiterContract {
    static volatile ReferenceRateLimiter.Flaw flaw = ReferenceRateLimiter.Flaw.NONE;

    @Override
    protected RateLimiter createLimiter(RateBudgets budgets, Clock clock) {
        return new ReferenceRateLimiter(budgets, clock, flaw);
    }
}
