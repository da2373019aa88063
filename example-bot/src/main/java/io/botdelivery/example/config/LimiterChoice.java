package io.botdelivery.example.config;

/** Which {@code RateLimiter} adapter the bot runs with (config key {@code limiter}). */
public enum LimiterChoice {
    /** In this process only: right for one replica. */
    LOCAL,
    /** Budgets shared through Redis by every replica. */
    REDIS
}
