package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

@DisplayName("Telling an outage from a bug")
class FailuresTest {

    @Test
    @DisplayName("no connection, a timeout, or a refused connection wrapped in a plain RedisException are outages")
    void outages() {
        assertThat(Failures.isOutage(new RedisConnectionException("Unable to connect"))).isTrue();
        assertThat(Failures.isOutage(new CompletionException(new RedisTimeoutException("timeout")))).isTrue();
        assertThat(Failures.isOutage(new RedisException("Unexpected exception while processing command",
                new ConnectException("Connection refused")))).isTrue();
    }

    @Test
    @DisplayName("an error reply to the script, or anything else, is not an outage")
    void bugs() {
        assertThat(Failures.isOutage(new RedisException("ERR Error running script"))).isFalse();
        assertThat(Failures.isOutage(new IllegalStateException("bug"))).isFalse();
    }
}
