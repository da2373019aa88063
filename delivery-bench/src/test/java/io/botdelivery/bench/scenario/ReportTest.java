package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosAction;
import io.botdelivery.bench.chaos.ChaosEvent;
import io.botdelivery.bench.chaos.ChaosFindings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static ScenarioResult result(String name, ChaosAction chaos, double achieved, int lost, int rateLimited) {
        Scenario scenario = new Scenario(name, "a test scenario", Wiring.REDIS_POSTGRES, 3,
                WorkloadSpec.mixed(1, Duration.ofSeconds(60), 45, 10), chaos == null ? List.of() : List.of(chaos),
                Duration.ofSeconds(30), Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofMillis(20));
        int[] standard = new int[70];
        int[] paid = new int[70];
        for (int i = 0; i < 70; i++) {
            standard[i] = i < 60 ? 30 : 5;
            paid[i] = 10;
        }
        DeliveryTally tally = new DeliveryTally(2000, 2000, 0, 1990 - lost, 0, 10, 0, Map.of("PERMANENT_RECIPIENT", 10),
                lost, lost > 0 ? List.of("k-1 (not in the store)") : List.of(), 0, 0, 0, 0, 0, 0, 10, 10, 0, 0, List.of(),
                new Percentiles(1990, 120, 900, 1500));
        List<ChaosEvent> events = chaos == null ? List.of()
                : List.of(new ChaosEvent(T0.plusSeconds(30), ChaosEvent.Kind.REDIS_DOWN, -1, -1, "down"),
                        new ChaosEvent(T0.plusSeconds(50), ChaosEvent.Kind.REDIS_UP, -1, -1, "up"));
        ChaosFindings findings = chaos == null ? null : new ChaosFindings(30, 29.5, 29.5 / 30, 3.0, "back");
        return new ScenarioResult(scenario, T0, 30, 45, 10, achieved, 10, rateLimited, rateLimited, 0,
                new WindowMaxima(30, 30, 30, 12, 1000, 1, 1, 1, 15, 20, 20), tally,
                new LeaseFindings(0, List.of(), List.of()),
                new TimingFindings(30, 30, new Percentiles(100, 2, 40, 90), new Percentiles(100, 3, 25, 60)), events, findings,
                List.of(new InstanceUsage(0, 1, 0.31, 120, 80)), 0.9, 12, true,
                new RateSeries(EventLog.micros(T0), standard, paid));
    }

    @Nested
    @DisplayName("the results report")
    class Report {
        private final ResultsReport report = new ResultsReport(List.of(
                result("saturate", null, 29.4, 0, 0),
                result("redis-outage", new ChaosAction.RedisOutage(Duration.ofSeconds(30), Duration.ofSeconds(20)), 25, 0, 0)),
                "full", "2 cores, 24 GiB");

        @Test
        @DisplayName("prints one row per scenario and a chaos row per chaos run")
        void rows() {
            assertThat(report.mainTable().size()).isEqualTo(2);
            assertThat(report.chaosTable().size()).isEqualTo(1);
            assertThat(report.plain()).contains("saturate", "redis-outage", "0.980");
        }

        @Test
        @DisplayName("judges the saturation target on the saturated runs and marks misses")
        void verdicts() {
            ResultsReport missed = new ResultsReport(List.of(result("saturate", null, 25, 1, 2)), "full", "m");
            assertThat(missed.verdicts()).filteredOn(v -> v.target().startsWith("achieved"))
                    .singleElement().satisfies(v -> assertThat(v.status()).isEqualTo(Verdict.Status.NOT_MET));
            assertThat(missed.verdicts()).filteredOn(v -> v.target().startsWith("0 lost"))
                    .singleElement().satisfies(v -> assertThat(v.status()).isEqualTo(Verdict.Status.NOT_MET));
            assertThat(missed.verdicts()).filteredOn(v -> v.target().startsWith("0 × 429"))
                    .singleElement().satisfies(v -> assertThat(v.status()).isEqualTo(Verdict.Status.NOT_MET));
            assertThat(report.verdicts()).filteredOn(v -> v.target().startsWith("achieved"))
                    .allSatisfy(v -> assertThat(v.status()).isEqualTo(Verdict.Status.NOT_MET));
            assertThat(missed.markdown("chart.png")).contains("**not met**", "k-1 (not in the store)", "![");
        }

        @Test
        @DisplayName("writes CSV with a header and one line per scenario")
        void csv() {
            String[] lines = report.csv().split("\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[0]).startsWith("suite,scenario,instances");
            assertThat(lines[1].split(",", -1)).hasSameSizeAs(lines[0].split(","));
        }
    }

    @Test
    @DisplayName("the chart is a PNG with one panel per scenario")
    void chart(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("chart.png");
        SendRateChart.write(List.of(result("a", null, 29, 0, 0), result("b", null, 29, 0, 0)), "test", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isGreaterThan(400);
    }
}
