package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AnswerAges")
class AnswerAgesTest {
    /** The Redis server's clock runs this far ahead of this instance's (µs): unknown to the estimate. */
    private static final long SKEW = 7_345_678;

    @Test
    @DisplayName("on one clock, an answer's age is the time since the decision, never more than its round trip")
    void sameClockAgeIsExact() {
        AnswerAges ages = new AnswerAges(true);

        assertThat(ages.age(1_000, 1_300, 1_100)).isEqualTo(200);
        assertThat(ages.age(2_000, 2_050, 1_000)).as("capped at the round trip").isEqualTo(50);
        assertThat(ages.age(3_000, 3_050, 3_070)).as("never negative").isZero();
    }

    @Test
    @DisplayName("on the server's clock, an answer slower than the quickest one is that much older, whatever the clocks' offset")
    void serverClockAgeIsMeasuredAgainstTheQuickestAnswer() {
        AnswerAges ages = new AnswerAges(false);
        long t = 1_000_000_000L;
        // quick answers: decided 100 µs after the ask, answered 100 µs later
        for (int i = 0; i < 10; i++) {
            long asked = t + i * 10_000;
            assertThat(ages.age(asked, asked + 200, asked + 100 + SKEW)).isZero();
        }
        // decided as quickly, but the answer took 376 ms to come back: older than the quickest answer (100 µs) by 375.9 ms
        long asked = t + 200_000;
        assertThat(ages.age(asked, asked + 376_100, asked + 100 + SKEW)).isEqualTo(375_900);
        // decided late (the call waited in a queue before Redis ran it), answered at once: the slot is not late
        asked = t + 800_000;
        assertThat(ages.age(asked, asked + 300_200, asked + 300_100 + SKEW)).isZero();
    }

    @Test
    @DisplayName("a clock step is forgotten within two buckets, and an age never exceeds its round trip meanwhile")
    void clockStepIsForgotten() {
        AnswerAges ages = new AnswerAges(false);
        long t = 1_000_000_000L;
        assertThat(ages.age(t, t + 200, t + 100 + SKEW)).isZero();
        // this instance's clock steps 2 s ahead: every answer now looks 2 s older than the quickest one seen
        long step = 2_000_000;
        long asked = t + 1_000_000 + step;
        assertThat(ages.age(asked, asked + 200, asked - step + 100 + SKEW)).as("capped at its round trip").isEqualTo(200);
        asked = t + 2 * AnswerAges.BUCKET_MICROS + step + 1_000_000;
        ages.age(asked, asked + 200, asked - step + 100 + SKEW);
        asked += 3 * AnswerAges.BUCKET_MICROS;
        ages.age(asked, asked + 200, asked - step + 100 + SKEW);
        asked += 10_000;
        assertThat(ages.age(asked, asked + 200, asked - step + 100 + SKEW)).as("the new offset is learnt").isZero();
    }

    @Test
    @DisplayName("the lead is zero while answers are quicker than the tolerance, grows with slow answers, and is capped")
    void leadFollowsSlowAnswers() {
        AnswerAges ages = new AnswerAges(true);
        long tolerance = 20_000;
        for (int i = 0; i < 20; i++) {
            ages.age(i * 1_000_000L, i * 1_000_000L + 2_000, i * 1_000_000L + 1_000);
        }
        assertThat(ages.lead(tolerance)).isZero();

        for (int i = 20; i < 120; i++) {
            ages.age(i * 1_000_000L, i * 1_000_000L + 80_000, i * 1_000_000L);
        }
        assertThat(ages.lead(tolerance)).as("80 ms answers, less the 20 ms that may be sent late").isBetween(59_000L, 62_000L);

        for (int i = 120; i < 160; i++) {
            ages.age(i * 1_000_000L, i * 1_000_000L + 900_000, i * 1_000_000L);
        }
        assertThat(ages.lead(tolerance)).isEqualTo(AnswerAges.MAX_LEAD_MICROS);
    }
}
