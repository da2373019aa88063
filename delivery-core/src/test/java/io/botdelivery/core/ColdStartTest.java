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
    private static final long LATE_CHAT = 1;
    private static final long OTHER_CHAT = 2;

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    @DisplayName("one place until the first answer, then one more per answer; once the limit is reached, the limit")
    void slowStart() {
        ColdStart cold = new ColdStart(TOLERANCE);
        assertThat(cold.places(16)).isEqualTo(1);
        for (int answers = 1; answers < 16; answers++) {
            cold.answered(at(answers), Duration.ofMillis(100), 100 + answers, 16);
            assertThat(cold.places(16)).isEqualTo(answers + 1);
        }
        cold.answered(at(16), Duration.ofMillis(100), 116, 16);
        assertThat(cold.places(16)).isEqualTo(16);
        assertThat(cold.places(40)).as("warm: the limit as it grows").isEqualTo(40);
    }

    /** A first send answered 800 ms after it left, then a second one 100 ms after: the first may be 700 ms late. */
    private static ColdStart lateFirstSend() {
        ColdStart cold = new ColdStart(TOLERANCE);
        cold.departed(at(0));
        cold.answered(at(0), Duration.ofMillis(800), LATE_CHAT, 16);
        cold.departed(at(800));
        cold.answered(at(800), Duration.ofMillis(100), OTHER_CHAT, 16);
        return cold;
    }

    @Test
    @DisplayName("the late send's chat is held in [slot + 1 s, slot + 1.7 s), however few sends left")
    void holdsTheLateSendsChat() {
        ColdStart cold = lateFirstSend();
        assertThat(cold.holdUntil(at(999), LATE_CHAT)).isNull();
        assertThat(cold.holdUntil(at(1_000), LATE_CHAT)).isEqualTo(at(1_700));
        assertThat(cold.holdUntil(at(1_699), LATE_CHAT)).isEqualTo(at(1_700));
        assertThat(cold.holdUntil(at(1_700), LATE_CHAT)).isNull();
        assertThat(cold.holdUntil(at(1_200), OTHER_CHAT)).as("two sends left: the window cannot overflow").isNull();
    }

    @Test
    @DisplayName("any chat is held there once 30 sends (the late one included) have left since its slot")
    void holdsEveryChatWhenTheWindowIsFull() {
        ColdStart cold = lateFirstSend();
        for (int i = 0; i < 27; i++) {
            cold.departed(at(850 + i * 5));
        }
        assertThat(cold.holdUntil(at(1_100), OTHER_CHAT)).as("29 left").isNull();
        cold.departed(at(1_100));
        assertThat(cold.holdUntil(at(1_100), OTHER_CHAT)).as("30 left").isEqualTo(at(1_700));
    }

    @Test
    @DisplayName("lateness within the tolerance holds nothing, and sends answered once warm are not tracked")
    void steadySendsHoldNothing() {
        ColdStart cold = new ColdStart(TOLERANCE);
        cold.answered(at(0), Duration.ofMillis(100), LATE_CHAT, 2);
        assertThat(cold.holdUntil(at(1_000), LATE_CHAT)).isNull();
        cold.answered(at(35), Duration.ofMillis(115), OTHER_CHAT, 2);
        assertThat(cold.holdUntil(at(1_040), OTHER_CHAT)).as("15 ms slower: within the tolerance").isNull();

        cold.answered(at(70), Duration.ofMillis(600), LATE_CHAT, 2);
        assertThat(cold.holdUntil(at(1_100), LATE_CHAT)).as("answered once warm").isNull();
    }
}
