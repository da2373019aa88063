package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The sliding-window recorder")
class SlidingWindowRecorderTest {
    private static final long MS = 1_000_000;
    private static final Budget TWO_PER_SECOND = Budget.of(2, Duration.ofSeconds(1));
    private final SlidingWindowRecorder recorder = new SlidingWindowRecorder();
    private final WindowKey chat = WindowKey.chat(5);

    @Nested
    @DisplayName("with exact send times")
    class Exact {

        @Test
        @DisplayName("reports a window holding more messages than the budget, naming the scope and its grants")
        void reportsOverflow() {
            recorder.record(chat, 0, 0, 1);
            recorder.record(chat, 400 * MS, 400 * MS, 1);
            recorder.record(chat, 999 * MS, 999 * MS, 1);

            assertThatThrownBy(() -> recorder.assertWithin(chat, TWO_PER_SECOND))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("chat 5: 3 messages in 3 grants")
                    .hasMessageContaining("+999.000 ms x1");
        }

        @Test
        @DisplayName("treats windows as half-open: sends one window apart never share one")
        void halfOpenWindows() {
            recorder.record(chat, 0, 0, 2);
            recorder.record(chat, 1000 * MS, 1000 * MS, 2);

            assertThatCode(() -> recorder.assertWithin(chat, TWO_PER_SECOND)).doesNotThrowAnyException();
            assertThat(recorder.busiestWindow(chat, Duration.ofSeconds(1)).units()).isEqualTo(2);
        }

        @Test
        @DisplayName("counts weights, not grants")
        void countsWeights() {
            recorder.record(chat, 0, 0, 1);
            recorder.record(chat, 10 * MS, 10 * MS, 2);

            assertThatThrownBy(() -> recorder.assertWithin(chat, TWO_PER_SECOND)).hasMessageContaining("3 messages in 2 grants");
        }

        @Test
        @DisplayName("accepts a single grant larger than the whole budget when it is alone in its window")
        void bigGrantAlone() {
            recorder.record(chat, 0, 0, 10);
            recorder.record(chat, 1000 * MS, 1000 * MS, 1);

            assertThatCode(() -> recorder.assertWithin(chat, TWO_PER_SECOND)).doesNotThrowAnyException();
            assertThat(recorder.busiestWindow(chat, Duration.ofSeconds(1)).units()).isEqualTo(10);
        }

        @Test
        @DisplayName("counts a granted request in its lane and in its chat, each against its own budget")
        void laneAndChat() {
            RateBudgets budgets = RateBudgets.telegramDefaults();
            recorder.recordGrant(new RateRequest(5, 1, true), 0, 0);
            recorder.recordGrant(new RateRequest(5, 1, false), 500 * MS, 500 * MS);

            assertThat(recorder.units(WindowKey.paidLane())).isEqualTo(1);
            assertThat(recorder.units(WindowKey.standardLane())).isEqualTo(1);
            assertThatThrownBy(() -> recorder.assertWithin(budgets)).hasMessageContaining("chat 5: 2 messages");
        }
    }

    @Nested
    @DisplayName("with uncertain send times")
    class Uncertain {

        @Test
        @DisplayName("does not report a violation that only call latency could create")
        void noFalseAlarm() {
            // the second grant may have gone at 1100 ms, out of the first one's window: three in one second is not certain
            recorder.record(chat, 0, 0, 1);
            recorder.record(chat, 500 * MS, 1100 * MS, 1);
            recorder.record(chat, 999 * MS, 999 * MS, 1);

            assertThatCode(() -> recorder.assertWithin(chat, TWO_PER_SECOND)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("still reports grants that are inside one window whatever their exact times")
        void certainViolation() {
            recorder.record(chat, 0, 100 * MS, 1);
            recorder.record(chat, 200 * MS, 300 * MS, 1);
            recorder.record(chat, 400 * MS, 500 * MS, 1);

            assertThatThrownBy(() -> recorder.assertWithin(chat, TWO_PER_SECOND)).hasMessageContaining("3 messages in 3 grants");
        }
    }

    @Nested
    @DisplayName("at scale")
    class AtScale {
        /** The definition, pairwise: every window starting at a grant's earliest time, grants certainly inside it. */
        private SlidingWindowRecorder.Peak bruteForce(java.util.List<SlidingWindowRecorder.Grant> sorted, long window, int minGrants) {
            SlidingWindowRecorder.Peak best = new SlidingWindowRecorder.Peak(0, 0, 0);
            for (SlidingWindowRecorder.Grant first : sorted) {
                long start = first.earliestNanos();
                int units = 0;
                int count = 0;
                for (SlidingWindowRecorder.Grant g : sorted) {
                    if (g.earliestNanos() >= start && g.latestNanos() < start + window) {
                        units += g.weight();
                        count++;
                    }
                }
                if (count >= minGrants && units > best.units()) {
                    best = new SlidingWindowRecorder.Peak(units, count, start);
                }
            }
            return best;
        }

        @Test
        @DisplayName("finds the same busiest window as the pairwise definition, on random uncertain grants")
        void sameAsTheDefinition() {
            java.util.Random random = new java.util.Random(18);
            for (int round = 0; round < 200; round++) {
                SlidingWindowRecorder r = new SlidingWindowRecorder();
                int n = 1 + random.nextInt(60);
                for (int i = 0; i < n; i++) {
                    long earliest = random.nextInt(3_000) * MS / 10;
                    r.record(chat, earliest, earliest + (random.nextBoolean() ? 0 : random.nextInt(50) * MS), 1 + random.nextInt(3));
                }
                long window = (1 + random.nextInt(20)) * 10 * MS;
                int minGrants = 1 + random.nextInt(2);
                SlidingWindowRecorder.Peak expected = bruteForce(r.grants(chat), window, minGrants);
                SlidingWindowRecorder.Peak found = SlidingWindowRecorder.busiest(r.grants(chat), window, minGrants);
                assertThat(found.units()).as("round %d", round).isEqualTo(expected.units());
            }
        }

        @Test
        @DisplayName("checks 200,000 grants in one window in well under a second's worth of work, and refuses one more")
        void largeAndCapped() {
            for (int i = 0; i < SlidingWindowRecorder.MAX_GRANTS_PER_SCOPE; i++) {
                recorder.record(chat, i, i, 1);
            }
            long started = System.nanoTime();
            assertThatThrownBy(() -> recorder.assertWithin(chat, TWO_PER_SECOND)).hasMessageContaining("200000 messages");
            assertThat(System.nanoTime() - started).as("ns").isLessThan(10_000_000_000L);
            assertThatThrownBy(() -> recorder.record(chat, 0, 0, 1)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("grants far too much");
        }
    }
}
