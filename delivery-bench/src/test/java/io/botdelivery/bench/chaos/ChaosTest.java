package io.botdelivery.bench.chaos;

import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ChaosTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    /** Records what it was asked to break, at what simulated second. */
    private static final class RecordingTarget implements ChaosTarget {
        final List<String> calls = new ArrayList<>();
        final MutableClock clock;
        int incarnation;

        RecordingTarget(MutableClock clock) {
            this.clock = clock;
        }

        private void call(String what) {
            calls.add(Duration.between(T0, clock.instant()).toSeconds() + "s " + what);
        }

        @Override
        public int instances() {
            return 3;
        }

        @Override
        public int kill(int slot) {
            call("kill " + slot);
            return incarnation++;
        }

        @Override
        public void restart(int slot) {
            call("restart " + slot);
        }

        @Override
        public void stopRedis() {
            call("redis down");
        }

        @Override
        public void startRedis() {
            call("redis up");
        }

        @Override
        public void stopPostgres() {
            call("pg down");
        }

        @Override
        public void startPostgres() {
            call("pg up");
        }

        @Override
        public int terminatePostgresSessions() {
            call("terminate");
            return 4;
        }

        @Override
        public void dropAfterAccept(double share) {
            call("drop " + share);
        }
    }

    private static List<String> play(ChaosAction action, RecordingTarget target, MutableClock clock) throws InterruptedException {
        ChaosTimeline timeline = new ChaosTimeline(List.of(action), target, T0, clock, moment -> {
            if (moment.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), moment));
            }
        });
        timeline.run();
        assertThat(timeline.events()).isNotEmpty();
        return target.calls;
    }

    @Nested
    @DisplayName("the chaos timeline")
    class Timeline {
        @Test
        @DisplayName("kills round robin every period until the end, restarting each at once")
        void kills() throws InterruptedException {
            MutableClock clock = MutableClock.at(T0);
            RecordingTarget target = new RecordingTarget(clock);
            List<String> calls = play(new ChaosAction.KillInstances(Duration.ofSeconds(20), Duration.ofSeconds(10),
                    Duration.ofSeconds(60)), target, clock);
            assertThat(calls).containsExactly("20s kill 0", "20s restart 0", "30s kill 1", "30s restart 1",
                    "40s kill 2", "40s restart 2", "50s kill 0", "50s restart 0");
        }

        @Test
        @DisplayName("takes Redis down and brings it back after the outage")
        void redis() throws InterruptedException {
            MutableClock clock = MutableClock.at(T0);
            RecordingTarget target = new RecordingTarget(clock);
            assertThat(play(new ChaosAction.RedisOutage(Duration.ofSeconds(30), Duration.ofSeconds(20)), target, clock))
                    .containsExactly("30s redis down", "50s redis up");
        }

        @Test
        @DisplayName("restarts PostgreSQL, terminates sessions periodically, and switches drops on and off")
        void others() throws InterruptedException {
            MutableClock clock = MutableClock.at(T0);
            RecordingTarget target = new RecordingTarget(clock);
            play(new ChaosAction.PostgresRestart(Duration.ofSeconds(5), Duration.ofSeconds(2)), target, clock);
            assertThat(target.calls).containsExactly("5s pg down", "7s pg up");

            MutableClock clock2 = MutableClock.at(T0);
            RecordingTarget target2 = new RecordingTarget(clock2);
            play(new ChaosAction.TerminateSessions(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(12)), target2, clock2);
            assertThat(target2.calls).containsExactly("5s terminate", "8s terminate", "11s terminate");

            MutableClock clock3 = MutableClock.at(T0);
            RecordingTarget target3 = new RecordingTarget(clock3);
            play(new ChaosAction.DropAfterAccept(Duration.ofSeconds(5), 0.05, Duration.ofSeconds(15)), target3, clock3);
            assertThat(target3.calls).containsExactly("5s drop 0.05", "15s drop 0.0");
        }

        @Test
        @DisplayName("interleaves several actions by time")
        void interleaves() throws InterruptedException {
            MutableClock clock = MutableClock.at(T0);
            RecordingTarget target = new RecordingTarget(clock);
            ChaosTimeline timeline = new ChaosTimeline(List.of(
                    new ChaosAction.DropAfterAccept(Duration.ofSeconds(2), 0.05, Duration.ofSeconds(18)),
                    new ChaosAction.KillInstances(Duration.ofSeconds(4), Duration.ofSeconds(20), Duration.ofSeconds(5)),
                    new ChaosAction.RedisOutage(Duration.ofSeconds(7), Duration.ofSeconds(2))), target, T0, clock,
                    moment -> clock.advance(Duration.between(clock.instant(), moment)));
            timeline.run();
            assertThat(target.calls).containsExactly("2s drop 0.05", "4s kill 0", "4s restart 0", "7s redis down",
                    "9s redis up", "18s drop 0.0");
            assertThat(timeline.events()).extracting(ChaosEvent::kind).containsExactly(ChaosEvent.Kind.DROPS_ON,
                    ChaosEvent.Kind.KILL, ChaosEvent.Kind.REDIS_DOWN, ChaosEvent.Kind.REDIS_UP, ChaosEvent.Kind.DROPS_OFF);
        }
    }

    @Nested
    @DisplayName("the chaos metrics")
    class Metrics {
        private double[] series(double before, int outageFrom, int outageTo, int rampSeconds, double after, int length) {
            double[] s = new double[length];
            for (int i = 0; i < length; i++) {
                if (i < outageFrom) {
                    s[i] = before;
                } else if (i < outageTo) {
                    s[i] = 0;
                } else if (i < outageTo + rampSeconds) {
                    s[i] = after / 4;
                } else {
                    s[i] = after;
                }
            }
            return s;
        }

        @Test
        @DisplayName("measure recovery from the end of an outage until throughput is back, and after against before")
        void outage() {
            double[] s = series(30, 30, 50, 2, 29, 90);
            List<ChaosEvent> events = List.of(
                    new ChaosEvent(T0.plusSeconds(30), ChaosEvent.Kind.REDIS_DOWN, -1, -1, "down"),
                    new ChaosEvent(T0.plusSeconds(50), ChaosEvent.Kind.REDIS_UP, -1, -1, "up"));
            ChaosFindings f = ChaosMetrics.of(events, s, T0, 90, null);
            assertThat(f.before()).isEqualTo(30.0);
            assertThat(f.recoverySeconds()).isEqualTo(2.0);
            assertThat(f.after()).isEqualTo(29.0);
            assertThat(f.afterOverBefore()).isCloseTo(29.0 / 30, within(1e-9));
        }

        @Test
        @DisplayName("report no recovery when throughput never comes back")
        void neverRecovers() {
            double[] s = series(30, 30, 90, 0, 0, 90);
            List<ChaosEvent> events = List.of(
                    new ChaosEvent(T0.plusSeconds(30), ChaosEvent.Kind.POSTGRES_DOWN, -1, -1, "down"),
                    new ChaosEvent(T0.plusSeconds(35), ChaosEvent.Kind.POSTGRES_UP, -1, -1, "up"));
            ChaosFindings f = ChaosMetrics.of(events, s, T0, 90, null);
            assertThat(f.recoverySeconds()).isNull();
            assertThat(f.afterOverBefore()).isZero();
        }

        @Test
        @DisplayName("do not compare throughput when there is too little time before or after the faults")
        void tooShort() {
            double[] s = series(30, 2, 4, 0, 30, 20);
            List<ChaosEvent> events = List.of(
                    new ChaosEvent(T0.plusSeconds(2), ChaosEvent.Kind.DROPS_ON, -1, -1, "on"),
                    new ChaosEvent(T0.plusSeconds(18), ChaosEvent.Kind.DROPS_OFF, -1, -1, "off"));
            ChaosFindings f = ChaosMetrics.of(events, s, T0, 20, null);
            assertThat(f.measured()).isFalse();
            assertThat(f.recoverySeconds()).isNull();
        }

        @Test
        @DisplayName("take a kill's recovery from the lease audit")
        void kills() {
            double[] s = series(30, 200, 200, 0, 30, 180);
            List<ChaosEvent> events = List.of(
                    new ChaosEvent(T0.plusSeconds(20), ChaosEvent.Kind.KILL, 0, 0, "kill"),
                    new ChaosEvent(T0.plusSeconds(130), ChaosEvent.Kind.KILL, 1, 3, "kill"));
            ChaosFindings f = ChaosMetrics.of(events, s, T0, 180, 24.5);
            assertThat(f.recoverySeconds()).isEqualTo(24.5);
            assertThat(f.afterOverBefore()).isEqualTo(1.0);
        }

        @Test
        @DisplayName("do not read an empty window after a late recovery as throughput 0")
        void recoveryEndingWithTheOffering() {
            double[] s = series(30, 200, 200, 0, 30, 180);
            List<ChaosEvent> events = List.of(
                    new ChaosEvent(T0.plusSeconds(20), ChaosEvent.Kind.KILL, 0, 0, "kill"),
                    new ChaosEvent(T0.plusSeconds(140), ChaosEvent.Kind.KILL, 1, 3, "kill"));
            ChaosFindings f = ChaosMetrics.of(events, s, T0, 180, 59.9);
            assertThat(f.measured()).isFalse();
            assertThat(f.recoverySeconds()).isEqualTo(59.9);
            assertThat(f.before()).isEqualTo(30.0);
        }
    }
}
