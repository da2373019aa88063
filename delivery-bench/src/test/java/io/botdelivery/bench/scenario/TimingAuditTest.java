package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Priority;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TimingAuditTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static long t(long millis) {
        return EventLog.micros(T0.plusMillis(millis));
    }

    @Test
    @DisplayName("compares granted slots with when sends left and when they arrived")
    void slotsLatenessAndWire() {
        List<LoggedEvent> events = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        List<WorkItem> items = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            String key = "k-" + i;
            String id = "d" + i;
            long chat = 100 + i;
            items.add(new WorkItem(i, 0, 0, key, chat, WorkKind.TEXT, 1, false, AmbiguousOutcomePolicy.RETRY,
                    Priority.NORMAL, Expectation.DELIVER));
            events.add(new LoggedEvent(0, 0, "SUBMIT", t(0), List.of(key, id, "1")));
            // slots 1/30 s apart, asked at 0 ms; every send leaves 5 ms late, the last one 500 ms late
            long slot = i * 1000L / 30;
            events.add(new LoggedEvent(0, 0, "GRANT", t(1), List.of(Long.toString(chat), "1", "0",
                    Long.toString(slot * 1_000), Long.toString(t(0)))));
            long left = slot + (i == 30 ? 500 : 5);
            events.add(new LoggedEvent(0, 0, "SEND", t(left), List.of(id, "1", Long.toString(chat))));
            arrivals.add(new Arrival(i, chat, key + " text", false, false, T0.plusMillis(left + 2)));
        }
        Workload workload = new Workload(WorkloadSpec.mixed(1, Duration.ofSeconds(1), 30, 0), 1, items,
                new ChatSetup(List.of(), List.of(), Set.of(), Map.of(), 99_999));
        TimingFindings f = TimingAudit.audit(events, arrivals, workload, 30);
        assertThat(f.slotsMaxGlobal()).isEqualTo(30);
        assertThat(f.latenessMillis().p50()).isEqualTo(5);
        assertThat(f.latenessMillis().max()).isEqualTo(500);
        assertThat(f.wireMillis().max()).isEqualTo(2);
        assertThat(f.wireMillis().count()).isEqualTo(31);
    }

    @Test
    @DisplayName("a slot given back (UNGRANT) counts in no window, and its chat's send is measured from the slot granted after it")
    void ungrantedSlotsDoNotCount() {
        List<LoggedEvent> events = new ArrayList<>();
        List<WorkItem> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long chat = 100 + i;
            events.add(new LoggedEvent(0, 0, "GRANT", t(1), List.of(Long.toString(chat), "1", "0",
                    Long.toString(i * 1000L / 30 * 1_000), Long.toString(t(0)))));
        }
        // chat 100's slot at 0 ms was missed: given back at 30 ms, granted again at 40 ms, sent at 45 ms
        events.add(new LoggedEvent(0, 0, "UNGRANT", t(30), List.of("100")));
        events.add(new LoggedEvent(0, 0, "GRANT", t(31), List.of("100", "1", "0", "9000", Long.toString(t(31)))));
        events.add(new LoggedEvent(0, 0, "SEND", t(45), List.of("d0", "1", "100")));
        Workload workload = new Workload(WorkloadSpec.mixed(1, Duration.ofSeconds(1), 30, 0), 1, items,
                new ChatSetup(List.of(), List.of(), Set.of(), Map.of(), 99_999));

        TimingFindings f = TimingAudit.audit(events, List.of(), workload, 30);

        assertThat(f.slotsMaxGlobal()).as("31 grants, one given back").isEqualTo(30);
        assertThat(f.latenessMillis().max()).as("45 ms after the new slot at 40 ms").isEqualTo(5);
    }
}
