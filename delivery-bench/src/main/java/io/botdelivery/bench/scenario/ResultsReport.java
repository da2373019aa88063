package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;
import io.botdelivery.bench.chaos.ChaosFindings;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a suite's results: the printed table, the Markdown report and the CSV. */
public final class ResultsReport {
    private final List<ScenarioResult> results;
    private final String suite;
    private final String machine;
    private final List<Verdict> verdicts;

    /**
     * @param suite   which suite ran (full, smoke, or one scenario's name)
     * @param machine one line about where it ran (cores, memory, load)
     */
    public ResultsReport(List<ScenarioResult> results, String suite, String machine) {
        this.results = List.copyOf(results);
        this.suite = suite;
        this.machine = machine;
        this.verdicts = Targets.evaluate(results);
    }

    public List<Verdict> verdicts() {
        return verdicts;
    }

    TextTable mainTable() {
        TextTable t = new TextTable("scenario", "inst", "offered/budget", "achieved/budget", "paid lane /s (offered→achieved)",
                "429s (bot-wide)", "max global 1 s", "max chat 1 s", "max group 60 s", "delivered", "failed (blocked)", "lost",
                "duplicated", "submit→delivered p50/p99/max ms", "limiter slots max/1 s", "send late p50/p99 ms",
                "wire p50/p99 ms", "CPU/inst (cores)", "heap/inst max MB");
        for (ScenarioResult r : results) {
            WindowMaxima w = r.windows();
            DeliveryTally d = r.tally();
            t.row(r.scenario().name(), r.scenario().instances(), f2(r.offeredOverBudget()), f3(r.achievedOverBudget()),
                    f1(r.offeredPaid()) + "→" + f1(r.achievedPaid()), r.rateLimited() + " (" + r.rateLimitedBotWide() + ")",
                    w.globalStrict() + " (" + w.globalTolerant() + ")/" + w.globalPermits(),
                    w.privateStrict() + " (" + w.privateTolerant() + ")/" + w.privatePermits(),
                    w.groupStrict() + "/" + w.groupPermits(),
                    d.delivered() + "/" + d.submitted(), d.failed() + " (" + d.failedExpected() + ")",
                    d.lost() + (d.unfinished() > 0 ? " +" + d.unfinished() + " unfinished" : ""),
                    d.duplicated(),
                    d.latencyMillis().p50() + " / " + d.latencyMillis().p99() + " / " + d.latencyMillis().max(),
                    r.timing().slotsMaxGlobal() + "/" + r.timing().globalPermits(),
                    r.timing().latenessMillis().p50() + " / " + r.timing().latenessMillis().p99(),
                    r.timing().wireMillis().p50() + " / " + r.timing().wireMillis().p99(),
                    f2(r.meanCpuCores()), f1(r.maxHeapMb()));
        }
        return t;
    }

    TextTable chaosTable() {
        TextTable t = new TextTable("scenario", "fault", "lost", "claimed twice", "duplicated (RETRY / GIVE_UP)",
                "unexplained dup", "in flight at kills", "recovery s", "alerts = 1 per FAILED", "429s", "throughput before → after /s",
                "after/before");
        for (ScenarioResult r : results) {
            if (r.chaos() == null) {
                continue;
            }
            DeliveryTally d = r.tally();
            ChaosFindings c = r.chaos();
            boolean kills = r.chaosEvents().stream().anyMatch(e -> e.kind() == ChaosEvent.Kind.KILL);
            t.row(r.scenario().name(), r.scenario().chaosDescription(), d.lost() + (d.unfinished() > 0 ? " +" + d.unfinished() + " unfinished" : ""),
                    r.leases().claimedTwice(), d.duplicatedRetry() + " / " + d.duplicatedGiveUp(), d.unexplainedDuplicates(),
                    kills ? Integer.toString(r.leases().inFlightAtKills()) : "–",
                    c.recoverySeconds() != null ? f1(c.recoverySeconds()) : !c.measured() ? "–" : "never",
                    d.failedAlertedOnce() + "/" + d.failed(), r.rateLimited(),
                    c.measured() ? f1(c.before()) + " → " + f1(c.after()) : "–", c.measured() ? f3(c.afterOverBefore()) : "–");
        }
        return t;
    }

    TextTable verdictTable() {
        TextTable t = new TextTable("source", "target", "measured", "verdict");
        for (Verdict v : verdicts) {
            t.row(v.source(), v.target(), v.measured(), v.status().label());
        }
        return t;
    }

    /** What the runner prints at the end. */
    public String plain() {
        StringBuilder sb = new StringBuilder();
        sb.append("bot-delivery scenario results — suite ").append(suite).append(" — ").append(machine).append("\n\n");
        sb.append(mainTable().plain()).append('\n');
        TextTable chaos = chaosTable();
        if (chaos.size() > 0) {
            sb.append(chaos.plain()).append('\n');
        }
        sb.append(verdictTable().plain());
        return sb.toString();
    }

    /** The Markdown report, with the chart embedded from {@code chartFile} (a path relative to the report). */
    public String markdown(String chartFile) {
        StringBuilder sb = new StringBuilder();
        String date = results.isEmpty() ? "" : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .format(results.get(0).startedAt().atZone(ZoneOffset.UTC));
        sb.append("# Scenario results (suite ").append(suite).append(")\n\n");
        sb.append("Run ").append(date).append(" on ").append(machine).append(".\n\n");
        sb.append(mainTable().markdown()).append('\n');
        sb.append("Window columns: the most messages Telegram accepted in any exact window, in brackets in a window shorter ")
                .append("by the arrival jitter the simulator tolerates (20 ms; 250 ms in the CI run), against the budget. \"limiter slots\": the most ")
                .append("standard-lane messages whose granted slots fall in one second. \"send late\": how long after its slot a ")
                .append("send left the engine; \"wire\": from leaving the engine to Telegram accepting it.\n\n");
        TextTable chaos = chaosTable();
        if (chaos.size() > 0) {
            sb.append("## Chaos runs\n\n").append(chaos.markdown()).append('\n');
        }
        sb.append("## Targets\n\n").append(verdictTable().markdown()).append('\n');
        if (chartFile != null) {
            sb.append("![messages per second against the budget](").append(chartFile).append(")\n\n");
        }
        sb.append("## Details\n\n");
        for (ScenarioResult r : results) {
            sb.append(details(r));
        }
        return sb.toString();
    }

    private String details(ScenarioResult r) {
        DeliveryTally d = r.tally();
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(r.scenario().name()).append("\n\n").append(r.scenario().title()).append(". ")
                .append(r.scenario().instances()).append(" instance(s), ").append(r.scenario().wiring()).append(", offered for ")
                .append(r.scenario().workload().offerFor().toSeconds()).append(" s, lease ")
                .append(r.scenario().leaseLength().toSeconds()).append(" s.\n\n");
        sb.append("- offered ").append(d.offered()).append(" deliveries, submitted ").append(d.submitted())
                .append(", delivered ").append(d.delivered()).append(" (").append(d.deliveredButFailed())
                .append(" of them also FAILED as ambiguous under GIVE_UP), failed ").append(d.failed())
                .append(" ").append(d.failedByClass()).append(", lost ").append(d.lost()).append(", unfinished ")
                .append(d.unfinished()).append('\n');
        sb.append("- duplicated ").append(d.duplicated()).append(" (").append(d.extraCopies()).append(" extra copies; ")
                .append(d.unexplainedDuplicates()).append(" not explained by dropped answers)\n");
        sb.append("- drain after offering stopped: ").append(f1(r.drainSeconds())).append(" s")
                .append(r.drained() ? "" : " (timed out)").append("; machine CPU during the run ")
                .append(Math.round(r.machineCpu() * 100)).append(" %\n");
        sb.append("- per instance: ").append(r.usage().stream().map(u -> "#" + u.slot() + " " + f2(u.cpuCores())
                + " cores, heap max " + f1(u.heapMaxMb()) + " MB (mean " + f1(u.heapMeanMb()) + "), " + u.incarnations()
                + " JVM(s)").collect(Collectors.joining("; "))).append('\n');
        if (!d.lostKeys().isEmpty()) {
            sb.append("- lost: ").append(String.join(", ", d.lostKeys())).append('\n');
        }
        if (!d.alertAnomalies().isEmpty()) {
            sb.append("- FAILED without exactly one alert: ").append(String.join("; ", d.alertAnomalies())).append('\n');
        }
        if (!r.leases().examples().isEmpty()) {
            sb.append("- claimed twice: ").append(String.join("; ", r.leases().examples())).append('\n');
        }
        for (LeaseFindings.KillFinding k : r.leases().kills()) {
            sb.append("- kill of ").append(k.owner()).append(": held ").append(k.held()).append(", in flight ")
                    .append(k.inFlight()).append(", claimed again ").append(k.recovered()).append(" after at most ")
                    .append(f1(k.maxRecoveryMillis() / 1000.0)).append(" s\n");
        }
        Map<ChaosEvent.Kind, Long> kinds = r.chaosEvents().stream()
                .collect(Collectors.groupingBy(ChaosEvent::kind, Collectors.counting()));
        if (!kinds.isEmpty()) {
            sb.append("- chaos events: ").append(kinds).append('\n');
        }
        if (r.chaos() != null) {
            sb.append("- recovery: ").append(r.chaos().recoveryMeaning()).append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }

    /** One CSV row per scenario, every figure in its own column. */
    public String csv() {
        TextTable t = new TextTable("suite", "scenario", "instances", "wiring", "offer_s", "budget_per_s", "offered_std_per_s",
                "achieved_std_per_s", "achieved_over_budget", "offered_paid_per_s", "achieved_paid_per_s", "rate_limited_429", "rate_limited_429_bot_wide",
                "injected_faults", "max_global_1s", "max_global_1s_tolerant", "max_paid_1s", "max_chat_1s",
                "max_chat_1s_tolerant", "max_group_60s", "offered", "submitted", "delivered", "delivered_but_failed",
                "failed", "failed_expected", "failed_unexpected", "lost", "unfinished", "duplicated", "duplicated_retry",
                "duplicated_give_up", "unexplained_duplicates", "claimed_twice", "in_flight_at_kills",
                "failed_alerted_once", "latency_p50_ms", "latency_p99_ms", "latency_max_ms", "limiter_slots_max_global_1s",
                "send_late_p50_ms", "send_late_p99_ms", "wire_p50_ms", "wire_p99_ms", "recovery_s",
                "throughput_before", "throughput_after", "after_over_before", "cpu_cores_per_instance",
                "heap_max_mb", "machine_cpu", "drain_s", "drained");
        for (ScenarioResult r : results) {
            WindowMaxima w = r.windows();
            DeliveryTally d = r.tally();
            ChaosFindings c = r.chaos();
            t.row(suite, r.scenario().name(), r.scenario().instances(), r.scenario().wiring(),
                    r.scenario().workload().offerFor().toSeconds(), f1(r.budgetPerSecond()), f2(r.offeredStandard()),
                    f2(r.achievedStandard()), f3(r.achievedOverBudget()), f2(r.offeredPaid()), f2(r.achievedPaid()),
                    r.rateLimited(), r.rateLimitedBotWide(), r.injectedFaults(), w.globalStrict(), w.globalTolerant(), w.paidStrict(),
                    w.privateStrict(), w.privateTolerant(), w.groupStrict(), d.offered(), d.submitted(), d.delivered(),
                    d.deliveredButFailed(), d.failed(), d.failedExpected(), d.failedUnexpected(), d.lost(), d.unfinished(),
                    d.duplicated(), d.duplicatedRetry(), d.duplicatedGiveUp(), d.unexplainedDuplicates(),
                    r.leases().claimedTwice(), r.leases().inFlightAtKills(), d.failedAlertedOnce(),
                    d.latencyMillis().p50(), d.latencyMillis().p99(), d.latencyMillis().max(),
                    r.timing().slotsMaxGlobal(), r.timing().latenessMillis().p50(), r.timing().latenessMillis().p99(),
                    r.timing().wireMillis().p50(), r.timing().wireMillis().p99(),
                    c == null || c.recoverySeconds() == null ? "" : f1(c.recoverySeconds()),
                    c == null ? "" : f2(c.before()), c == null ? "" : f2(c.after()), c == null ? "" : f3(c.afterOverBefore()),
                    f2(r.meanCpuCores()), f1(r.maxHeapMb()), f2(r.machineCpu()), f1(r.drainSeconds()), r.drained());
        }
        return t.csv();
    }

    static String f1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String f2(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    static String f3(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
