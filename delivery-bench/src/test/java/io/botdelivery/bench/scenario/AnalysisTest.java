package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Priority;
import io.botdelivery.core.spi.RateBudgets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AnalysisTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final long ADMIN = 99_999;

    private static WorkItem item(int seq, long chat, WorkKind kind, int items, AmbiguousOutcomePolicy policy, Expectation e) {
        return new WorkItem(seq, seq * 10L, 0, "k-" + seq, chat, kind, items, false, policy, Priority.NORMAL, e);
    }

    private static long sendIds;

    private static Arrival at(long chat, String text, long millis) {
        return new Arrival(++sendIds, chat, text, false, false, T0.plusMillis(millis));
    }

    private static long[] send(long millis, long weight) {
        return new long[]{millis * 1_000, weight};
    }

    private static long micros(long millis) {
        return EventLog.micros(T0.plusMillis(millis));
    }

    @Nested
    @DisplayName("delivery accounting")
    class Accounting {
        private final WorkItem text = item(0, 101, WorkKind.TEXT, 1, AmbiguousOutcomePolicy.RETRY, Expectation.DELIVER);
        private final WorkItem album = item(1, 102, WorkKind.ALBUM, 3, AmbiguousOutcomePolicy.RETRY, Expectation.DELIVER);
        private final WorkItem lost = item(2, 103, WorkKind.TEXT, 1, AmbiguousOutcomePolicy.RETRY, Expectation.DELIVER);
        private final WorkItem blocked = item(3, 104, WorkKind.TEXT, 1, AmbiguousOutcomePolicy.RETRY, Expectation.FAIL_BLOCKED);
        private final WorkItem never = item(4, 105, WorkKind.TEXT, 1, AmbiguousOutcomePolicy.GIVE_UP, Expectation.DELIVER);
        private final WorkItem queued = item(5, 106, WorkKind.TEXT, 1, AmbiguousOutcomePolicy.GIVE_UP, Expectation.DELIVER);
        private final Workload workload = new Workload(WorkloadSpec.mixed(1, Duration.ofSeconds(1), 30, 0), 1,
                List.of(text, album, lost, blocked, never, queued),
                new ChatSetup(List.of(101L, 102L, 103L, 104L, 105L, 106L), List.of(), Set.of(104L), Map.of(), ADMIN));

        private DeliveryTally tally() {
            Map<String, Long> submits = new HashMap<>();
            for (WorkItem i : List.of(text, album, lost, blocked, queued)) {
                submits.put(i.key(), micros(i.offsetMillis()));
            }
            Map<String, StoredOutcome> stored = new HashMap<>();
            stored.put(text.key(), new StoredOutcome("id-0", DeliveryStatus.DELIVERED, null, null));
            stored.put(album.key(), new StoredOutcome("id-1", DeliveryStatus.DELIVERED, null, null));
            stored.put(lost.key(), new StoredOutcome("id-2", DeliveryStatus.DELIVERED, null, null));
            stored.put(blocked.key(), new StoredOutcome("id-3", DeliveryStatus.FAILED, FailureClass.PERMANENT_RECIPIENT, T0));
            stored.put(queued.key(), new StoredOutcome("id-5", DeliveryStatus.PENDING, null, null));
            List<Arrival> arrivals = new ArrayList<>(List.of(
                    at(101, "k-0 Your order", 500),
                    at(102, "k-1#1 Item 1", 900), at(102, "k-1#2 Item 2", 900), at(102, "k-1#3 Item 3", 1_310),
                    at(102, "k-1#3 Item 3", 2_000),
                    at(ADMIN, "Delivery id-3 FAILED: bot was blocked", 3_000)));
            return DeliveryAccounting.tally(workload, submits, stored, arrivals, ADMIN);
        }

        @Test
        @DisplayName("counts delivered, failed as expected, never submitted and still queued")
        void counts() {
            DeliveryTally t = tally();
            assertThat(t.offered()).isEqualTo(6);
            assertThat(t.submitted()).isEqualTo(5);
            assertThat(t.notSubmitted()).isEqualTo(1);
            assertThat(t.delivered()).isEqualTo(2);
            assertThat(t.failedExpected()).isEqualTo(1);
            assertThat(t.failedUnexpected()).isZero();
            assertThat(t.failedByClass()).containsEntry("PERMANENT_RECIPIENT", 1);
            assertThat(t.unfinished()).isEqualTo(1);
        }

        @Test
        @DisplayName("calls a delivery the store marked DELIVERED but Telegram never saw lost")
        void lost() {
            DeliveryTally t = tally();
            assertThat(t.lost()).isEqualTo(1);
            assertThat(t.lostKeys()).containsExactly("k-2 (store: DELIVERED)");
        }

        @Test
        @DisplayName("counts a message that arrived twice without a dropped answer as an unexplained duplicate")
        void duplicates() {
            DeliveryTally t = tally();
            assertThat(t.duplicated()).isEqualTo(1);
            assertThat(t.extraCopies()).isEqualTo(1);
            assertThat(t.unexplainedDuplicates()).isEqualTo(1);
            assertThat(t.duplicatedRetry()).isEqualTo(1);
            assertThat(t.duplicatedGiveUp()).isZero();
        }

        @Test
        @DisplayName("measures latency from submit to the first arrival of the delivery's last message")
        void latency() {
            DeliveryTally t = tally();
            // text: submitted at 0, arrived at 500; album: submitted at 10, last item first arrived at 1310
            assertThat(t.latencyMillis().count()).isEqualTo(2);
            assertThat(t.latencyMillis().max()).isEqualTo(1_300);
            assertThat(t.latencyMillis().p50()).isEqualTo(500);
        }

        @Test
        @DisplayName("finds each FAILED delivery's admin alert by its id")
        void alerts() {
            DeliveryTally t = tally();
            assertThat(t.failed()).isEqualTo(1);
            assertThat(t.failedAlertedOnce()).isEqualTo(1);
            assertThat(t.failedNotAlerted()).isZero();
        }
    }

    @Nested
    @DisplayName("window maxima")
    class Windows {
        @Test
        @DisplayName("count half-open windows: sends exactly one window apart are in different windows")
        void halfOpen() {
            assertThat(WindowStats.maxWeightInWindow(List.of(send(0, 1), send(1_000, 1), send(2_000, 1)), 1_000_000, 1)).isEqualTo(1);
            assertThat(WindowStats.maxWeightInWindow(List.of(send(0, 1), send(999, 1)), 1_000_000, 1)).isEqualTo(2);
            assertThat(WindowStats.maxWeightInWindow(List.of(), 1_000_000, 1)).isZero();
        }

        @Test
        @DisplayName("let an album heavier than the budget go alone, but count it with anything else in its window")
        void albums() {
            assertThat(WindowStats.maxWeightInWindow(List.of(send(0, 3), send(3_000, 1)), 1_000_000, 1)).isEqualTo(1);
            assertThat(WindowStats.maxWeightInWindow(List.of(send(0, 3), send(500, 1)), 1_000_000, 1)).isEqualTo(4);
            List<Arrival> album = List.of(new Arrival(77, 101, "k#1", false, false, T0), new Arrival(77, 101, "k#2", false, false, T0),
                    new Arrival(77, 101, "k#3", false, false, T0), at(101, "n", 3_000));
            WindowMaxima w = WindowStats.of(album, RateBudgets.telegramDefaults(), Duration.ofMillis(20));
            assertThat(w.privateStrict()).isEqualTo(1);
            assertThat(w.globalStrict()).isEqualTo(3);
        }

        @Test
        @DisplayName("see a send that arrived 10 ms early in the exact window but not in the tolerant one")
        void tolerance() {
            List<Arrival> arrivals = new ArrayList<>();
            // a private chat: one send per second, the third 10 ms early
            arrivals.add(at(101, "a", 0));
            arrivals.add(at(101, "b", 1_000));
            arrivals.add(at(101, "c", 1_990));
            // a group: 21 sends in one minute
            for (int i = 0; i < 21; i++) {
                arrivals.add(at(-5, "g" + i, i * 2_000L));
            }
            WindowMaxima w = WindowStats.of(arrivals, RateBudgets.telegramDefaults(), Duration.ofMillis(20));
            assertThat(w.privateStrict()).isEqualTo(2);
            assertThat(w.privateTolerant()).isEqualTo(1);
            assertThat(w.groupStrict()).isEqualTo(21);
            assertThat(w.withinTolerantBudgets()).isFalse();
            assertThat(w.globalStrict()).isLessThanOrEqualTo(w.globalPermits());
        }
    }

    @Nested
    @DisplayName("percentiles")
    class Percentile {
        @Test
        @DisplayName("use the nearest rank")
        void nearestRank() {
            long[] values = new long[100];
            for (int i = 0; i < 100; i++) {
                values[i] = 100 - i;
            }
            Percentiles p = Percentiles.of(values);
            assertThat(p.p50()).isEqualTo(50);
            assertThat(p.p99()).isEqualTo(99);
            assertThat(p.max()).isEqualTo(100);
            assertThat(Percentiles.of(new long[0])).isEqualTo(Percentiles.NONE);
        }
    }
}
