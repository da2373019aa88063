package io.botdelivery.limiter.redis;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;

/** Builds the Redisson client a {@link RedisRateLimiter} owns, from its config. */
final class RedissonClients {
    /** Lost connections are retried at least this often, so service resumes within about a second of Redis. */
    private static final Duration MAX_RECONNECTION_DELAY = Duration.ofSeconds(1);

    private RedissonClients() {
    }

    static Config configFor(RedisRateLimiterConfig settings) {
        Config config = new Config();
        config.setNettyThreads(settings.nettyThreads());
        // connect on first use: an instance must start (and fall back, under LOCAL_SHARE) while Redis is down
        config.setLazyInitialization(true);
        SingleServerConfig server = config.useSingleServer()
                .setAddress(settings.address())
                .setDatabase(settings.database())
                .setConnectTimeout(millis(settings.connectTimeout()))
                .setTimeout(millis(settings.responseTimeout()))
                .setRetryAttempts(settings.retryAttempts())
                .setConnectionPoolSize(settings.connectionPoolSize())
                // the whole pool opened at once (at the limiter's warm-up), not during a burst of decisions: a call
                // waiting for a new connection on a loaded host outlasted the response timeout
                .setConnectionMinimumIdleSize(settings.connectionPoolSize())
                .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(50), MAX_RECONNECTION_DELAY));
        settings.username().ifPresent(server::setUsername);
        settings.password().ifPresent(server::setPassword);
        return config;
    }

    static RedissonClient create(RedisRateLimiterConfig settings) {
        return Redisson.create(configFor(settings));
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
    }
}
