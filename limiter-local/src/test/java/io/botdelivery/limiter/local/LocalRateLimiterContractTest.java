package io.botdelivery.limiter.local;

import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.testkit.RateLimiterContract;

import java.time.Clock;

class LocalRateLimiterContractTest extends RateLimiterContract {
    @Override
    protected RateLimiter createLimiter(RateBudgets budgets, Clock clock) {
        return new LocalRateLimiter(budgets, clock);
    }

    @Override
    protected boolean givesGrantsBack() {
        return true;
    }
}
