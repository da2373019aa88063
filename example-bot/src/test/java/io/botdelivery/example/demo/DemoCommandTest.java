package io.botdelivery.example.demo;

import io.botdelivery.example.CommandLineTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code example-bot demo}, run in-process as the README's command runs it, at a smaller scale. */
class DemoCommandTest {

    private static String row(String output, String label) {
        return output.lines().filter(l -> l.startsWith("| " + label + " ")).findFirst()
                .map(l -> l.substring(l.indexOf('|', 2) + 1).replace("|", "").trim()).orElse("(no row '" + label + "')");
    }

    @Test
    @DisplayName("runs buyers and a broadcast against the in-process simulator and ends with its summary table and exit code 0")
    void runsToItsTable() {
        CommandLineTest.Run run = CommandLineTest.run(Map.of(), "demo", "--buyers", "12", "--audience", "300",
                "--arrivals-per-second", "6", "--blocked-share", "0.1");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("| bot-delivery demo: ");
        assertThat(row(run.out(), "buyers")).isEqualTo("12");
        // one buyer in ten blocked the bot: they do not get their pack, everyone else does
        assertThat(row(run.out(), "packs delivered in full (album + document + receipt)")).isEqualTo("11");
        assertThat(row(run.out(), "broadcast recipients")).isEqualTo("300 (+2 bad lines skipped)");
        assertThat(row(run.out(), "deliveries failed: PERMANENT_RECIPIENT")).isEqualTo("33");
        assertThat(row(run.out(), "admin alerts sent")).isEqualTo("1");
        assertThat(row(run.out(), "429s received")).contains("injected: 1");
        assertThat(run.out()).contains("pack latency p50 / p99", "broadcast latency p50 / p99", "paid lane: rate / peak 1 s");
    }
}
