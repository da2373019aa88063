package io.botdelivery.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The cold start: a slow start, and holds one window after a send that may have arrived late")
class ColdStartTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMillis(20);

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    @DisplayName("one place until the first answer, then one more per answer, up to the limit")
    void slowStart() {
        ColdStart cold = new ColdStart(TOLERANCE);
        assertThat(cold.places(16)).isEqualTo(1);
        for (int answers = 1; answers <= 20; answers++) {
            cold.answered(at(answers), Duration.ofMillis(100), 16);
            assertThat(cold.places(16)).isEqualTo(Math.min(16, answers + 1));
        }
        assertThat(cold.places(40)).as("a limit that grows is reached one answer at a time").isEqualTo(17);
    }

    @Test
    @DisplayName("a send 700 ms slower than the fastest holds sends leaving in [slot + 1 s, slot + 1.7 s)")
    void holdsBehindALateSend() {
        ColdStart cold = new ColdStart(TOLERANCE);
        cold.answered(at(0), Duration.ofMillis(800), 16);
        assertThat(cold.holdUntil(at(1_100))).as("no faster answer yet: nothing to compare with").isNull();
        cold.answered(at(900), Duration.ofMillis(100), 16);

        assertThat(cold.holdUntil(at(999))).isNull();
        assertThat(cold.holdUntil(at(1_000))).isEqualTo(at(1_700));
        assertThat(cold.holdUntil(at(1_699))).isEqualTo(at(1_700));
        assertThat(cold.holdUntil(at(1_700))).isNull();
    }

    @Test
    @DisplayName("lateness within the tolerance holds nothing, and sends answered after the slow start are not tracked")
    void steadySendsHoldNothing() {
        ColdStart cold = new ColdStart(TOLERANCE);
        cold.answered(at(0), Duration.ofMillis(100), 2);
        cold.answered(at(35), Duration.ofMillis(115), 2);
        assertThat(cold.holdUntil(at(1_040))).as("15 ms slower: within the tolerance").isNull();

        cold.answered(at(70), Duration.ofMillis(600), 2);
        assertThat(cold.holdUntil(at(1_100))).as("answered once the slow start was over").isNull();
    }
}
