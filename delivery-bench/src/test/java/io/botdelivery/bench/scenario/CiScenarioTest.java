package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario harness's smoke run in {@code mvn verify}: the CI scenario (2 instance JVMs on embedded Redis and
 * PostgreSQL, the simulator, every kind of chaos once, about a minute), so the scenario runner and the chaos runs
 * cannot rot. It asserts what must hold on any machine, however loaded; throughput and timing are measured by the
 * full suite, never asserted here.
 */
class CiScenarioTest {

    @Test
    @DisplayName("every kind of chaos once: nothing is lost, nothing is claimed twice, the report is written")
    void ciScenario() throws Exception {
        Path work = Path.of("target", "scenario-runs", "ci");
        Path out = Path.of("target", "scenario-results", "ci");
        List<ScenarioResult> results = ScenarioMain.runAll(ScenarioCatalog.ci(), work);
        ResultsReport report = ScenarioMain.write(results, "ci", out);
        System.out.println(report.plain());

        ScenarioResult r = results.get(0);
        assertThat(r.chaosEvents()).extracting(ChaosEvent::kind).contains(ChaosEvent.Kind.KILL, ChaosEvent.Kind.REDIS_DOWN,
                ChaosEvent.Kind.REDIS_UP, ChaosEvent.Kind.POSTGRES_DOWN, ChaosEvent.Kind.POSTGRES_UP,
                ChaosEvent.Kind.POSTGRES_SESSIONS_TERMINATED, ChaosEvent.Kind.DROPS_ON, ChaosEvent.Kind.DROPS_OFF);
        DeliveryTally t = r.tally();
        assertThat(t.submitted()).as("every delivery of the workload was accepted").isEqualTo(t.offered());
        assertThat(t.lost()).as("lost deliveries: %s", t.lostKeys()).isZero();
        assertThat(r.leases().claimedTwice()).as("double claims: %s", r.leases().examples()).isZero();
        assertThat(t.unexplainedDuplicates()).as("duplicates neither from dropped answers nor from the kill")
                .isLessThanOrEqualTo(r.leases().inFlightAtKills());
        assertThat(t.delivered() + t.failed() - t.deliveredButFailed() + t.unfinished()).isEqualTo(t.submitted());
        assertThat(out.resolve("results.md")).exists();
        assertThat(Files.readString(out.resolve("results.csv"))).contains("ci-chaos");
        assertThat(Files.size(out.resolve("send-rate.png"))).isPositive();
    }
}
