package io.botdelivery.core;

import io.botdelivery.api.FailureClass;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.SendOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The concurrency sizing rule")
class AdaptiveConcurrencyTest {
    static final Duration RTT_100MS = Duration.ofMillis(100);

    /** Feeds {@code n} answers of {@code rtt}; returns the limit after each round of {@code limit()} answers. */
    static List<Integer> rounds(AdaptiveConcurrency c, Duration rtt, int rounds) {
        List<Integer> limits = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            int inFlight = c.limit();
            for (int i = 0; i < inFlight; i++) {
                c.record(rtt);
            }
            limits.add(c.limit());
        }
        return limits;
    }

    @Test
    @DisplayName("Telegram's two lanes are 1030 msg/s")
    void lanes() {
        assertThat(AdaptiveConcurrency.lanesPerSecond(RateBudgets.telegramDefaults())).isEqualTo(1030.0);
    }

    @Test
    @DisplayName("at 1030 msg/s and a 100 ms round trip the target is ceil(1030 x 0.1 x 1.25) = 129, reached by doubling per round trip")
    void paidLaneAt100ms() {
        AdaptiveConcurrency c = AdaptiveConcurrency.adaptive(16, 512, 1030);
        assertThat(c.limit()).as("before any answer: the floor").isEqualTo(16);
        assertThat(rounds(c, RTT_100MS, 5)).containsExactly(32, 64, 128, 129, 129);
        assertThat(c.target()).isEqualTo(129);
        assertThat(c.serviceTime()).isEqualTo(RTT_100MS);
    }

    @Test
    @DisplayName("a short round trip keeps the floor; a long one stops at the ceiling")
    void clamped() {
        AdaptiveConcurrency fast = AdaptiveConcurrency.adaptive(16, 512, 1030);
        rounds(fast, Duration.ofMillis(2), 3);
        assertThat(fast.limit()).isEqualTo(16);

        AdaptiveConcurrency slow = AdaptiveConcurrency.adaptive(16, 512, 1030);
        assertThat(rounds(slow, Duration.ofSeconds(2), 7)).containsExactly(32, 64, 128, 256, 512, 512, 512);
    }

    @Test
    @DisplayName("follows a change of round trip: up by at most one per answer, down at once as the mean falls")
    void reactsToRoundTripChange() {
        AdaptiveConcurrency c = AdaptiveConcurrency.adaptive(16, 512, 1000);
        rounds(c, RTT_100MS, 5);
        assertThat(c.limit()).isEqualTo(125);
        rounds(c, Duration.ofMillis(300), 4);
        assertThat(c.target()).as("the mean has moved to 300 ms").isEqualTo(375);
        assertThat(c.limit()).isEqualTo(375);
        for (int i = 0; i < 300; i++) {
            c.record(Duration.ofMillis(20));
        }
        assertThat(c.limit()).as("ceil(1000 x 0.02 x 1.25) = 25").isEqualTo(25);
    }

    @Test
    @DisplayName("no answer, no growth: the limit moves only as answers arrive, one step each")
    void growthNeedsAnswers() {
        AdaptiveConcurrency c = AdaptiveConcurrency.adaptive(16, 512, 1030);
        assertThat(c.record(Duration.ofSeconds(60))).isTrue();
        assertThat(c.limit()).as("even a one-minute sample adds one place").isEqualTo(17);
    }

    @Test
    @DisplayName("timeouts and lost answers are not round trips; every answer Telegram gave is")
    void onlyAnswersCount() {
        assertThat(AdaptiveConcurrency.answered(new SendOutcome.Transient("timeout"))).isFalse();
        assertThat(AdaptiveConcurrency.answered(new SendOutcome.Ambiguous("connection reset"))).isFalse();
        assertThat(AdaptiveConcurrency.answered(new SendOutcome.Delivered(List.of(1L)))).isTrue();
        assertThat(AdaptiveConcurrency.answered(new SendOutcome.RetryAfter(Duration.ofSeconds(1), LimitScope.global()))).isTrue();
        assertThat(AdaptiveConcurrency.answered(new SendOutcome.Permanent("blocked", FailureClass.PERMANENT_RECIPIENT))).isTrue();
    }

    @Test
    @DisplayName("a fixed maxConcurrentSends is an override: samples do not move it")
    void fixedOverride() {
        AdaptiveConcurrency c = AdaptiveConcurrency.forConfig(EngineConfig.defaults().withMaxConcurrentSends(16));
        rounds(c, RTT_100MS, 3);
        assertThat(c.limit()).isEqualTo(16);
        assertThat(AdaptiveConcurrency.forConfig(EngineConfig.defaults()).limit()).isEqualTo(AdaptiveConcurrency.FLOOR);
        assertThat(EngineConfig.defaults().sendCeiling()).isEqualTo(512);
        assertThat(EngineConfig.defaults().withMaxConcurrentSends(16).sendCeiling()).isEqualTo(16);
    }
}
