package io.botdelivery.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("RedisUrl")
class RedisUrlTest {

    @Nested
    @DisplayName("parsing")
    class Parsing {

        @Test
        @DisplayName("reads host, port, password and database")
        void readsEveryPart() {
            RedisUrl url = RedisUrl.parse("redis://:s3cret@redis.internal:6380/2");

            assertThat(url).isEqualTo(new RedisUrl(false, "redis.internal", 6380, Optional.of("s3cret"), 2));
        }

        @Test
        @DisplayName("defaults to port 6379 and database 0, and rediss means TLS")
        void defaults() {
            RedisUrl url = RedisUrl.parse("rediss://cache");

            assertThat(url.tls()).isTrue();
            assertThat(url.port()).isEqualTo(6379);
            assertThat(url.database()).isZero();
            assertThat(url.password()).isEmpty();
            assertThat(url.address()).isEqualTo("rediss://cache:6379");
        }

        @ParameterizedTest(name = "refuses {0}")
        @ValueSource(strings = {"http://host:6379", "redis://", "redis://host:6379/zero", "host:6379"})
        @DisplayName("refuses what is not a Redis URL")
        void refusesOtherUrls(String text) {
            assertThatThrownBy(() -> RedisUrl.parse(text)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("never prints the password")
    void hidesPassword() {
        assertThat(RedisUrl.parse("redis://:s3cret@host:1/0").toString())
                .doesNotContain("s3cret")
                .contains("with password");
    }
}
