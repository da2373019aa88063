package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.botdelivery.core.spi.RateBudgets;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.redisson.config.Config;

@DisplayName("RedisRateLimiterConfig")
class RedisRateLimiterConfigTest {

    @Nested
    @DisplayName("defaults")
    class Defaults {

        @Test
        @DisplayName("are safe: fail closed, server time, Telegram's budgets, sub-second outage detection")
        void defaults() {
            RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("42").build();

            assertThat(config.address()).isEqualTo("redis://127.0.0.1:6379");
            assertThat(config.outagePolicy()).isEqualTo(OutagePolicy.FAIL_CLOSED);
            assertThat(config.timeSource()).isEqualTo(TimeSource.REDIS_SERVER);
            assertThat(config.budgets()).isEqualTo(RateBudgets.telegramDefaults());
            assertThat(config.responseTimeout()).isLessThan(Duration.ofSeconds(1));
            assertThat(config.retryAttempts()).isZero();
            assertThat(config.instanceCount()).isEqualTo(1);
            assertThat(config.password()).isEmpty();
        }

        @Test
        @DisplayName("give Redisson at least 4 and at most 32 netty threads, twice the processors in between")
        void nettyThreads() {
            int expected = Math.max(4, Math.min(32, 2 * Runtime.getRuntime().availableProcessors()));

            assertThat(RedisRateLimiterConfig.defaultNettyThreads()).isEqualTo(expected).isBetween(4, 32);
            assertThat(RedisRateLimiterConfig.builder("42").build().nettyThreads()).isEqualTo(expected);
        }
    }

    @Nested
    @DisplayName("validation")
    class Validation {

        @ParameterizedTest(name = "refuses bot id \"{0}\"")
        @ValueSource(strings = {"", " ", "a{b", "a}b"})
        @DisplayName("refuses a bot id that would break the hash tag")
        void refusesBadBotIds(String botId) {
            assertThatThrownBy(() -> RedisRateLimiterConfig.builder(botId).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("botId");
        }

        @Test
        @DisplayName("take address, user, password and database from one URL; a bare user info is the password")
        void fromUrl() {
            RedisRateLimiterConfig full = RedisRateLimiterConfig.builder("42")
                    .url(URI.create("rediss://bot:s3cret@redis.internal:6380/2")).build();
            assertThat(full.address()).isEqualTo("rediss://redis.internal:6380");
            assertThat(full.username()).contains("bot");
            assertThat(full.password()).contains("s3cret");
            assertThat(full.database()).isEqualTo(2);

            RedisRateLimiterConfig bare = RedisRateLimiterConfig.builder("42").url(URI.create("redis://s3cret@h")).build();
            assertThat(bare.address()).isEqualTo("redis://h:6379");
            assertThat(bare.username()).isEmpty();
            assertThat(bare.password()).contains("s3cret");
            assertThat(bare.database()).isZero();

            assertThatThrownBy(() -> RedisRateLimiterConfig.builder("42").url(URI.create("redis://:s3cret@h/db")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"db\"").hasMessageNotContaining("s3cret");
        }

        @Test
        @DisplayName("refuses an address that is not redis:// or rediss://, naming the key")
        void refusesBadAddress() {
            assertThatThrownBy(() -> RedisRateLimiterConfig.builder("42").address("127.0.0.1:6379").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("address");
        }

        @Test
        @DisplayName("refuses non-positive timeouts and counts")
        void refusesNonPositive() {
            assertThatThrownBy(() -> RedisRateLimiterConfig.builder("42").responseTimeout(Duration.ZERO).build())
                    .hasMessageContaining("responseTimeout");
            assertThatThrownBy(() -> RedisRateLimiterConfig.builder("42").nettyThreads(0).build())
                    .hasMessageContaining("nettyThreads");
            assertThatThrownBy(() -> RedisRateLimiterConfig.builder("42").instanceCount(0).build())
                    .hasMessageContaining("instanceCount");
            assertThatThrownBy(() -> RedisRateLimiterConfig.builder("42").probeInterval(Duration.ofMillis(-1)).build())
                    .hasMessageContaining("probeInterval");
        }
    }

    @Test
    @DisplayName("never prints the password")
    void hidesPassword() {
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("42").password("s3cret").build();

        assertThat(config.password()).isEqualTo(Optional.of("s3cret"));
        assertThat(config.toString()).doesNotContain("s3cret").contains("password=***");
    }

    @Test
    @DisplayName("round-trips through its builder")
    void roundTrips() {
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("42").address("rediss://cache:6380")
                .username("bot").password("pw").database(3).nettyThreads(6).outagePolicy(OutagePolicy.LOCAL_SHARE)
                .instanceCount(4).timeSource(TimeSource.INJECTED_CLOCK).build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    @DisplayName("becomes a Redisson config: netty threads, timeouts, database, credentials, lazy connection")
    void redissonConfig() {
        RedisRateLimiterConfig settings = RedisRateLimiterConfig.builder("42").address("redis://cache:6380")
                .username("bot").password("pw").database(3).nettyThreads(6).connectTimeout(Duration.ofMillis(700))
                .responseTimeout(Duration.ofMillis(300)).build();

        Config config = RedissonClients.configFor(settings);

        assertThat(config.getNettyThreads()).isEqualTo(6);
        assertThat(config.isLazyInitialization()).isTrue();
        assertThat(config.useSingleServer().getAddress()).isEqualTo("redis://cache:6380");
        assertThat(config.useSingleServer().getDatabase()).isEqualTo(3);
        assertThat(config.useSingleServer().getTimeout()).isEqualTo(300);
        assertThat(config.useSingleServer().getConnectTimeout()).isEqualTo(700);
        assertThat(config.useSingleServer().getUsername()).isEqualTo("bot");
        assertThat(config.useSingleServer().getPassword()).isEqualTo("pw");
        assertThat(config.useSingleServer().getRetryAttempts()).isZero();
    }
}
