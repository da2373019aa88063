package io.botdelivery.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisServerExtension")
class RedisServerExtensionTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embedded();

    @Nested
    @DisplayName("an embedded server")
    class Embedded {

        @Test
        @DisplayName("answers on a free loopback port, never the fixed 6379")
        void answersOnAFreePort() {
            assertThat(REDIS.isEmbedded()).isTrue();
            assertThat(REDIS.url().port()).isNotEqualTo(6379);
            assertThat(REDIS.url().host()).isEqualTo("127.0.0.1");
            assertThat(REDIS.command("PING")).isEqualTo("PONG");
            assertThat(REDIS.address()).isEqualTo("redis://127.0.0.1:" + REDIS.url().port());
        }

        @Test
        @DisplayName("finds keys by pattern")
        void findsKeys() {
            REDIS.command("SET", "{ext-test}:a", "1");
            REDIS.command("SET", "{ext-test}:b", "2");
            REDIS.command("SET", "other", "3");

            assertThat(REDIS.keys("{ext-test}:*")).containsExactlyInAnyOrder("{ext-test}:a", "{ext-test}:b");
        }

        @Test
        @DisplayName("is unreachable after stop, and comes back on the same port with no keys and no scripts")
        void stopsAndRestarts() {
            RedisServerExtension own = RedisServerExtension.embedded();
            own.start();
            try {
                int port = own.url().port();
                own.command("SET", "survivor", "1");
                String sha = (String) own.command("SCRIPT", "LOAD", "return 1");

                own.stop();
                assertThat(own.isRunning()).isFalse();
                assertThatThrownBy(() -> own.command("PING")).isInstanceOf(UncheckedIOException.class);

                own.restart();
                assertThat(own.isRunning()).isTrue();
                assertThat(own.url().port()).isEqualTo(port);
                assertThat(own.command("GET", "survivor")).isNull();
                assertThat(own.command("SCRIPT", "EXISTS", sha)).isEqualTo(java.util.List.of(0L));
            } finally {
                own.close();
            }
        }
    }

    @Nested
    @DisplayName("an external server")
    class External {

        @Test
        @DisplayName("is used as it is and refuses to be stopped, pointing at embedded()")
        void cannotBeStopped() {
            RedisServerExtension external = RedisServerExtension.external(REDIS.address());
            external.start();

            assertThat(external.isEmbedded()).isFalse();
            assertThat(external.command("PING")).isEqualTo("PONG");
            assertThatThrownBy(external::stop)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RedisServerExtension.embedded()");
            assertThatThrownBy(external::restart).isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("fails loudly, naming the environment variable, when nothing answers")
        void unreachableFailsLoudly() throws Exception {
            int deadPort;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                deadPort = socket.getLocalPort();
            }
            RedisServerExtension external = RedisServerExtension.external("redis://127.0.0.1:" + deadPort);

            assertThatThrownBy(external::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(RedisServerExtension.URL_ENV)
                    .hasMessageContaining("does not answer PING");
        }
    }

    @Nested
    @DisplayName("before it is started")
    class NotStarted {

        @Test
        @DisplayName("says how to register it instead of returning a null address")
        void explainsRegistration() {
            assertThatThrownBy(() -> RedisServerExtension.embedded().url())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("@RegisterExtension");
        }
    }
}
