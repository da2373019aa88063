package io.botdelivery.limiter.redis;

import io.botdelivery.core.spi.RateBudgets;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link RedisRateLimiter}. Build with {@link #builder(String)}; every setting but the bot id has a
 * default (see the module README for the table).
 *
 * @param botId             names this bot's keys ({@code {bot:<botId>}:…}); the numeric bot id, never the token
 * @param address           {@code redis://host:port}, or {@code rediss://host:port} for TLS (verified against the
 *                          JVM's default trust store)
 * @param username          Redis 6 ACL user; empty for the default user
 * @param password          empty when the server needs none; never printed
 * @param database          Redis database number
 * @param connectTimeout    how long opening a connection may take
 * @param responseTimeout   how long one decision may wait for Redis before it counts as an outage
 * @param retryAttempts     Redisson's retries of a failed command; every retry adds to the time an outage takes to
 *                          be noticed, so the default is none
 * @param nettyThreads      Redisson's netty event-loop threads; Redisson's own default (32) oversubscribes small
 *                          machines, see {@link #defaultNettyThreads()}
 * @param connectionPoolSize Redisson's connections to the server, all opened when the limiter is created (in the background)
 * @param budgets           the budgets shared by every instance of this bot
 * @param outagePolicy      what to do while Redis is unreachable
 * @param instanceCount     N, the number of instances sharing the budget: under {@link OutagePolicy#LOCAL_SHARE}
 *                          each keeps to {@code budgets.share(N)} alone
 * @param probeInterval     how often an instance that lost Redis checks whether it is back
 * @param timeSource        whose clock decides
 * @param pauseReadInterval how old the bot-wide pause {@link RedisRateLimiter#globalPause()} answers may be: Redis is
 *                          asked at most once per interval (ahead of time, while calls keep coming, so no caller
 *                          waits for it), instead of once per call; zero asks on every call
 */
public record RedisRateLimiterConfig(
        String botId,
        String address,
        Optional<String> username,
        Optional<String> password,
        int database,
        Duration connectTimeout,
        Duration responseTimeout,
        int retryAttempts,
        int nettyThreads,
        int connectionPoolSize,
        RateBudgets budgets,
        OutagePolicy outagePolicy,
        int instanceCount,
        Duration probeInterval,
        TimeSource timeSource,
        Duration pauseReadInterval) {

    public RedisRateLimiterConfig {
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(budgets, "budgets");
        Objects.requireNonNull(outagePolicy, "outagePolicy");
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(timeSource, "timeSource");
        Objects.requireNonNull(pauseReadInterval, "pauseReadInterval");
        if (pauseReadInterval.isNegative()) {
            throw new IllegalArgumentException("pauseReadInterval must not be negative, was " + pauseReadInterval);
        }
        if (botId.isBlank() || botId.contains("{") || botId.contains("}")) {
            throw new IllegalArgumentException("botId must be non-blank and must not contain '{' or '}' (it goes inside"
                    + " the Redis hash tag {bot:<botId>}); use the bot's numeric id, never its token");
        }
        if (!address.startsWith("redis://") && !address.startsWith("rediss://")) {
            throw new IllegalArgumentException("address must be redis://host:port (or rediss://host:port for TLS), was "
                    + address);
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative, was " + database);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(responseTimeout, "responseTimeout");
        requirePositive(probeInterval, "probeInterval");
        if (retryAttempts < 0) {
            throw new IllegalArgumentException("retryAttempts must not be negative, was " + retryAttempts);
        }
        if (nettyThreads < 1) {
            throw new IllegalArgumentException("nettyThreads must be at least 1, was " + nettyThreads);
        }
        if (connectionPoolSize < 1) {
            throw new IllegalArgumentException("connectionPoolSize must be at least 1, was " + connectionPoolSize);
        }
        if (instanceCount < 1) {
            throw new IllegalArgumentException("instanceCount must be at least 1, was " + instanceCount);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /**
     * Twice the available processors, at least 4 and at most Redisson's own default of 32: on a 2-core machine 4
     * threads gave 1.3–1.8× the throughput of 32 on every benchmark case (see delivery-bench).
     */
    public static int defaultNettyThreads() {
        return Math.max(4, Math.min(32, 2 * Runtime.getRuntime().availableProcessors()));
    }

    public static Builder builder(String botId) {
        return new Builder(botId);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(botId)
                .address(address)
                .username(username.orElse(null))
                .password(password.orElse(null))
                .database(database)
                .connectTimeout(connectTimeout)
                .responseTimeout(responseTimeout)
                .retryAttempts(retryAttempts)
                .nettyThreads(nettyThreads)
                .connectionPoolSize(connectionPoolSize)
                .budgets(budgets)
                .outagePolicy(outagePolicy)
                .instanceCount(instanceCount)
                .probeInterval(probeInterval)
                .timeSource(timeSource)
                .pauseReadInterval(pauseReadInterval);
    }

    @Override
    public String toString() {
        return "RedisRateLimiterConfig[botId=" + botId + ", address=" + address + ", username=" + username.orElse("-")
                + ", password=" + (password.isPresent() ? "***" : "-") + ", database=" + database
                + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", retryAttempts=" + retryAttempts + ", nettyThreads=" + nettyThreads
                + ", connectionPoolSize=" + connectionPoolSize + ", budgets=" + budgets
                + ", outagePolicy=" + outagePolicy + ", instanceCount=" + instanceCount
                + ", probeInterval=" + probeInterval + ", timeSource=" + timeSource
                + ", pauseReadInterval=" + pauseReadInterval + "]";
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private final String botId;
        private String address = "redis://127.0.0.1:6379";
        private String username;
        private String password;
        private int database;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration responseTimeout = Duration.ofMillis(500);
        private int retryAttempts;
        private int nettyThreads = defaultNettyThreads();
        private int connectionPoolSize = 64;
        private RateBudgets budgets = RateBudgets.telegramDefaults();
        private OutagePolicy outagePolicy = OutagePolicy.FAIL_CLOSED;
        private int instanceCount = 1;
        private Duration probeInterval = Duration.ofMillis(250);
        private TimeSource timeSource = TimeSource.REDIS_SERVER;
        private Duration pauseReadInterval = Duration.ofMillis(50);

        private Builder(String botId) {
            this.botId = botId;
        }

        public Builder address(String value) {
            this.address = value;
            return this;
        }

        /**
         * Address, user, password and database from one URL, {@code redis://[user:password@]host[:port][/db]} (or
         * {@code rediss://}); a user info without a colon is the password, as Redis takes it; the port defaults to 6379
         * and the database to 0.
         *
         * @throws IllegalArgumentException if the path is not a database number (the message never shows the password)
         */
        public Builder url(URI url) {
            address(url.getScheme() + "://" + url.getHost() + ":" + (url.getPort() == -1 ? 6379 : url.getPort()));
            String userInfo = url.getUserInfo();
            if (userInfo != null && !userInfo.isEmpty()) {
                int colon = userInfo.indexOf(':');
                if (colon < 0) {
                    password(userInfo);
                } else {
                    if (colon > 0) {
                        username(userInfo.substring(0, colon));
                    }
                    password(userInfo.substring(colon + 1));
                }
            }
            String path = url.getPath();
            if (path != null && path.length() > 1) {
                try {
                    database(Integer.parseInt(path.substring(1)));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("the Redis URL names database \"" + path.substring(1)
                            + "\", which is not a number");
                }
            }
            return this;
        }

        /** {@code null} for the default user. */
        public Builder username(String value) {
            this.username = value;
            return this;
        }

        /** {@code null} when the server needs no password. */
        public Builder password(String value) {
            this.password = value;
            return this;
        }

        public Builder database(int value) {
            this.database = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder responseTimeout(Duration value) {
            this.responseTimeout = value;
            return this;
        }

        public Builder retryAttempts(int value) {
            this.retryAttempts = value;
            return this;
        }

        public Builder nettyThreads(int value) {
            this.nettyThreads = value;
            return this;
        }

        public Builder connectionPoolSize(int value) {
            this.connectionPoolSize = value;
            return this;
        }

        public Builder budgets(RateBudgets value) {
            this.budgets = value;
            return this;
        }

        public Builder outagePolicy(OutagePolicy value) {
            this.outagePolicy = value;
            return this;
        }

        public Builder instanceCount(int value) {
            this.instanceCount = value;
            return this;
        }

        public Builder probeInterval(Duration value) {
            this.probeInterval = value;
            return this;
        }

        public Builder timeSource(TimeSource value) {
            this.timeSource = value;
            return this;
        }

        public Builder pauseReadInterval(Duration value) {
            this.pauseReadInterval = value;
            return this;
        }

        public RedisRateLimiterConfig build() {
            return new RedisRateLimiterConfig(botId, address, Optional.ofNullable(username), Optional.ofNullable(password),
                    database, connectTimeout, responseTimeout, retryAttempts, nettyThreads, connectionPoolSize, budgets,
                    outagePolicy, instanceCount, probeInterval, timeSource, pauseReadInterval);
        }
    }
}
