package io.botdelivery.limiter.redis;

import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.testkit.RateLimiterContract;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * {@link RedisRateLimiter} against the rate limiter contract, twice: deciding on the injected clock (so every
 * clock-driven group runs, moved by hand), and on the Redis server's clock (the production setting: the real-time
 * groups run, the clock-driven ones show as skipped). Every limiter gets its own bot id, so nothing is shared.
 */
@DisplayName("RedisRateLimiter contract")
class RedisRateLimiterContractTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    private static final AtomicInteger BOTS = new AtomicInteger();
    private static RedissonClient client;

    @BeforeAll
    static void connect() {
        client = RedissonClients.create(RedisRateLimiterConfig.builder("contract").address(REDIS.address()).build());
        // open the connections and load the script now: real-time groups must not pay for it in their first call
        limiter(RateBudgets.telegramDefaults(), Clock.systemUTC(), TimeSource.REDIS_SERVER)
                .reserve(io.botdelivery.core.spi.RateRequest.of(1), java.time.Duration.ZERO);
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    static RateLimiter limiter(RateBudgets budgets, Clock clock, TimeSource timeSource) {
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("contract-" + BOTS.incrementAndGet())
                .address(REDIS.address())
                .budgets(budgets)
                .timeSource(timeSource)
                .build();
        return RedisRateLimiter.withClient(client, config, clock, new SimpleMeterRegistry());
    }

    @Nested
    @DisplayName("on the injected clock")
    class OnTheInjectedClock extends RateLimiterContract {
        @Override
        protected RateLimiter createLimiter(RateBudgets budgets, Clock clock) {
            return limiter(budgets, clock, TimeSource.INJECTED_CLOCK);
        }

        @Override
        protected boolean givesGrantsBack() {
            return true;
        }
    }

    @Nested
    @DisplayName("on the Redis server's clock")
    class OnTheServerClock extends RateLimiterContract {
        @Override
        protected RateLimiter createLimiter(RateBudgets budgets, Clock clock) {
            return limiter(budgets, clock, TimeSource.REDIS_SERVER);
        }

        @Override
        protected boolean followsInjectedClock() {
            return false;
        }

        /** Stops the Redis server (the default FAIL_CLOSED policy must then grant nothing), and starts it again. */
        @Override
        protected AutoCloseable makeUnavailable(RateLimiter limiter) {
            REDIS.stop();
            return REDIS::restart;
        }
    }
}
