package io.botdelivery.limiter.redis;

/** Whose clock a {@link RedisRateLimiter} decides by. */
public enum TimeSource {
    /** The Redis server's {@code TIME}: one clock for every instance, so skewed hosts still share one budget. */
    REDIS_SERVER,
    /**
     * The {@link java.time.Clock} given to the limiter. For tests that drive time by hand (a {@code MutableClock}), or
     * for instances whose clocks are known to agree; skew between instances then shows up as overshoot.
     */
    INJECTED_CLOCK
}
