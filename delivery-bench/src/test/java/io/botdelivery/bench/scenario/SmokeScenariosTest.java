package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario harness's smoke suite in {@code mvn verify} (2 instance JVMs on embedded Redis and PostgreSQL with the
 * simulator and every kind of chaos once, then one instance on limiter-local + store-memory; about 1.5 minutes), so
 * the scenario runner and the chaos runs cannot rot. It asserts what must hold on any machine, however loaded;
 * throughput and timing are measured by the full suite, never asserted here.
 */
class SmokeScenariosTest {

    @Test
    @DisplayName("every kind of chaos once, and a local run: nothing is lost, nothing is claimed twice, the report is written")
    void smokeSuite() throws Exception {
        Path work = Path.of("target", "scenario-runs", "smoke");
        Path out = Path.of("target", "scenario-results", "smoke");
        List<ScenarioResult> results = ScenarioMain.runAll(ScenarioCatalog.smoke(), work, RunOptions.DEFAULTS);
        ResultsReport report = ScenarioMain.write(results, "smoke", out);
        System.out.println(report.plain());
        assertThat(ScenarioMain.invariantsHold(report)).as("invariants (see the verdicts above)").isTrue();

        ScenarioResult local = results.get(1);
        assertThat(local.tally().lost()).isZero();
        assertThat(local.tally().submitted()).isEqualTo(local.tally().offered());

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
        assertThat(Files.readString(out.resolve("results.csv"))).contains("smoke-chaos", "smoke-local");
        assertThat(Files.size(out.resolve("send-rate.png"))).isPositive();
    }
}
