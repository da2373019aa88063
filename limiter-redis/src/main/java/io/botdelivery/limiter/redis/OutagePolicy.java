package io.botdelivery.limiter.redis;

/** What a {@link RedisRateLimiter} does while Redis cannot be reached. */
public enum OutagePolicy {
    /**
     * Grant nothing: {@code reserve} throws {@link io.botdelivery.core.spi.RateLimiterUnavailableException}, so
     * deliveries wait (safe in the store) until Redis answers again. Never faster than the shared budget.
     */
    FAIL_CLOSED,
    /**
     * Keep sending under an in-process limiter at {@code budgets.share(instanceCount)}: with every instance doing the
     * same, their sum stays within the global budget. Chat budgets are not divided (see {@code RateBudgets.share}).
     */
    LOCAL_SHARE
}
