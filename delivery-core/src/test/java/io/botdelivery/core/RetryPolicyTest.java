package io.botdelivery.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The retry policy")
class RetryPolicyTest {
    final RetryPolicy policy = RetryPolicy.defaults();

    @Test
    @DisplayName("retries quickly after 1, 2, 4, 8 and 16 s, then after 5, 10, 20, 40, 60, 60 min")
    void schedule() {
        assertThat(IntStream.rangeClosed(1, 11).mapToObj(policy::nominalDelayAfter).toList()).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16),
                Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40),
                Duration.ofMinutes(60), Duration.ofMinutes(60));
    }

    @Test
    @DisplayName("gives up at the tenth failed attempt by default")
    void maxAttempts() {
        assertThat(policy.exhausted(9)).isFalse();
        assertThat(policy.exhausted(10)).isTrue();
    }

    @Test
    @DisplayName("jitter stays within ±20 % and actually varies")
    void jitter() {
        RandomGenerator random = new SplittableRandom(7);
        var delays = IntStream.range(0, 200).mapToObj(i -> policy.delayAfter(3, random).toMillis()).toList();
        assertThat(delays).allSatisfy(ms -> assertThat(ms).isBetween(3200L, 4800L));
        assertThat(delays.stream().distinct().count()).isGreaterThan(50);
    }
}
