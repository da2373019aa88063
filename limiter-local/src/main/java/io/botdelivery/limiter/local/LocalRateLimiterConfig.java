package io.botdelivery.limiter.local;

import io.botdelivery.core.spi.RateBudgets;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link LocalRateLimiter}.
 *
 * @param budgets     what to enforce; {@link RateBudgets#telegramDefaults()} unless you know better
 * @param sweepPeriod how often, at most, idle chat state is swept even when the number of tracked chats is not growing
 */
public record LocalRateLimiterConfig(RateBudgets budgets, Duration sweepPeriod) {
    public LocalRateLimiterConfig {
        Objects.requireNonNull(budgets, "budgets");
        Objects.requireNonNull(sweepPeriod, "sweepPeriod");
        if (sweepPeriod.isNegative() || sweepPeriod.isZero()) {
            throw new IllegalArgumentException("sweepPeriod must be positive, was " + sweepPeriod);
        }
    }

    /** Telegram's budgets (30/s, 1/s per private chat, 20/min per group, 1000/s paid), idle chats swept every 10 s. */
    public static LocalRateLimiterConfig defaults() {
        return new LocalRateLimiterConfig(RateBudgets.telegramDefaults(), Duration.ofSeconds(10));
    }

    public static LocalRateLimiterConfig of(RateBudgets budgets) {
        return defaults().withBudgets(budgets);
    }

    public LocalRateLimiterConfig withBudgets(RateBudgets newBudgets) {
        return new LocalRateLimiterConfig(newBudgets, sweepPeriod);
    }

    public LocalRateLimiterConfig withSweepPeriod(Duration newSweepPeriod) {
        return new LocalRateLimiterConfig(budgets, newSweepPeriod);
    }
}
