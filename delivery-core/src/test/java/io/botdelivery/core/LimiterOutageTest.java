package io.botdelivery.core;

import io.botdelivery.core.spi.RateLimiterUnavailableException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The wait after a limiter could not decide")
class LimiterOutageTest {
    final Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    final RuntimeException down = new RateLimiterUnavailableException("Redis away", null);

    @Test
    @DisplayName("grows with the spell, from 100 ms to at most 1 s")
    void growsWithTheSpell() {
        LimiterOutage outage = new LimiterOutage();
        assertThat(outage.failed(t0, down)).isEqualTo(Duration.ofMillis(100));
        assertThat(outage.failed(t0.plusMillis(100), down)).isEqualTo(Duration.ofMillis(100));
        assertThat(outage.failed(t0.plusMillis(200), down)).isEqualTo(Duration.ofMillis(200));
        assertThat(outage.failed(t0.plusMillis(700), down)).isEqualTo(Duration.ofMillis(700));
        assertThat(outage.failed(t0.plusSeconds(30), down)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    @DisplayName("is counted from the spell's start: many failures at one moment do not lengthen it")
    void manyFailuresAtOnce() {
        LimiterOutage outage = new LimiterOutage();
        for (int i = 0; i < 50; i++) {
            assertThat(outage.failed(t0.plusMillis(1), down)).isEqualTo(Duration.ofMillis(100));
        }
    }

    @Test
    @DisplayName("starts again after a decision: the next spell waits 100 ms first")
    void endsWithADecision() {
        LimiterOutage outage = new LimiterOutage();
        outage.failed(t0, down);
        assertThat(outage.failed(t0.plusSeconds(5), down)).isEqualTo(Duration.ofSeconds(1));
        outage.decided(t0.minusMillis(1), t0.plusSeconds(6));
        assertThat(outage.failed(t0.plusSeconds(6), down)).as("an answer to a call made before the spell does not end it")
                .isEqualTo(Duration.ofSeconds(1));
        outage.decided(t0.plusSeconds(6), t0.plusSeconds(6));
        assertThat(outage.failed(t0.plusSeconds(7), down)).isEqualTo(Duration.ofMillis(100));
    }
}
