package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseAuditTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final long S = 1_000_000;

    private static long t(double seconds) {
        return EventLog.micros(T0) + (long) (seconds * S);
    }

    /** CLAIM logged at {@code at} for a lease until {@code until}, the call started 1 ms earlier. */
    private static LoggedEvent claim(int slot, int inc, String id, double at, double until) {
        return new LoggedEvent(slot, inc, "CLAIM", t(at), List.of(id, Long.toString(t(until)), Long.toString(t(at) - 1_000)));
    }

    private static LoggedEvent release(int slot, int inc, String id, double start, double at) {
        return new LoggedEvent(slot, inc, "RELEASE", t(at), List.of(id, "complete", "1", Long.toString(t(start))));
    }

    private static LoggedEvent renew(int slot, int inc, String id, double at, double until) {
        return new LoggedEvent(slot, inc, "RENEW", t(at), List.of(id, Long.toString(t(until)), Long.toString(t(at) - 1_000)));
    }

    private static LoggedEvent send(int slot, int inc, String id, double at) {
        return new LoggedEvent(slot, inc, "SEND", t(at), List.of(id, "1", "101"));
    }

    private static LoggedEvent outcome(int slot, int inc, String id, double at) {
        return new LoggedEvent(slot, inc, "OUTCOME", t(at), List.of(id, "Delivered"));
    }

    @Test
    @DisplayName("a claim after the previous holder released is not a double claim")
    void handOverAfterRelease() {
        LeaseFindings f = LeaseAudit.audit(List.of(
                claim(0, 0, "d1", 1, 31), release(0, 0, "d1", 2, 2.01), claim(1, 0, "d1", 5, 35)), List.of());
        assertThat(f.claimedTwice()).isZero();
    }

    @Test
    @DisplayName("a claim after the previous lease ran out is not a double claim")
    void handOverAfterExpiry() {
        LeaseFindings f = LeaseAudit.audit(List.of(claim(0, 0, "d1", 1, 31), claim(1, 0, "d1", 31.5, 61)), List.of());
        assertThat(f.claimedTwice()).isZero();
    }

    @Test
    @DisplayName("a claim while another lease still runs is a double claim, renewals included")
    void overlap() {
        LeaseFindings f = LeaseAudit.audit(List.of(
                claim(0, 0, "d1", 1, 31), renew(0, 0, "d1", 20, 50), claim(1, 0, "d1", 40, 70),
                claim(0, 0, "d2", 1, 31), claim(2, 0, "d2", 10, 40)), List.of());
        assertThat(f.claimedTwice()).isEqualTo(2);
        assertThat(f.examples()).hasSize(2).anyMatch(e -> e.startsWith("d1: 0.0 held it"));
    }

    @Test
    @DisplayName("a kill reports what the killed incarnation held, what was on the wire, and when others took it over")
    void kill() {
        List<LoggedEvent> events = List.of(
                claim(0, 0, "d1", 1, 26), send(0, 0, "d1", 2),                       // on the wire at the kill
                claim(0, 0, "d2", 1, 26), send(0, 0, "d2", 1.5), outcome(0, 0, "d2", 1.6), // answered, not completed
                claim(0, 0, "d3", 1, 26), release(0, 0, "d3", 2, 2.1),               // done before the kill
                claim(0, 1, "d1", 26.5, 51), claim(1, 0, "d2", 27, 52));
        ChaosEvent kill = new ChaosEvent(T0.plusSeconds(3), ChaosEvent.Kind.KILL, 0, 0, "kill");
        LeaseFindings f = LeaseAudit.audit(events, List.of(kill));
        assertThat(f.claimedTwice()).isZero();
        assertThat(f.kills()).singleElement().satisfies(k -> {
            assertThat(k.owner()).isEqualTo("0.0");
            assertThat(k.held()).isEqualTo(2);
            assertThat(k.inFlight()).isEqualTo(1);
            assertThat(k.recovered()).isEqualTo(2);
            assertThat(k.maxRecoveryMillis()).isEqualTo(24_000);
        });
        assertThat(f.maxRecoverySeconds()).isEqualTo(24.0);
        assertThat(f.unrecovered()).isZero();
        assertThat(f.inFlightAtKills()).isEqualTo(1);
    }

    @Test
    @DisplayName("a line cut short by a kill is skipped, a whole one is read")
    void parsing() {
        assertThat(LoggedEvent.parse(0, 0, "CLAIM 123 d1 456")).isNull();
        assertThat(LoggedEvent.parse(0, 0, "CLAIM 123 d1 456 120")).isNotNull()
                .satisfies(e -> assertThat(e.longField(1)).isEqualTo(456));
        assertThat(LoggedEvent.parse(0, 0, "SUBMIT 12x k1 d1 1")).isNull();
    }
}
