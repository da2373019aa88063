package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosAction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Checks the scenario and chaos targets of docs/design.md and issues #3 and #6 against a suite's results. Targets measured
 * by the JMH benchmarks (issues #2, #4, #7) are not judged here; the README folds those in from their own runs.
 */
public final class Targets {
    static final double SATURATION_TARGET = 0.97;
    static final double RECOVERY_TARGET_SECONDS = 30;
    static final double AFTER_OVER_BEFORE_TARGET = 0.95;

    private Targets() {
    }

    public static List<Verdict> evaluate(List<ScenarioResult> results) {
        List<Verdict> v = new ArrayList<>();
        v.add(all(results, "docs/design.md: never faster than configured", "0 × 429 in every scenario",
                r -> r.rateLimited() == 0, r -> Integer.toString(r.rateLimited())));
        v.add(all(results, "docs/design.md / issue #3", "no window over budget (global 1 s, chat 1 s, group 60 s; 20 ms arrival tolerance)",
                r -> r.windows().withinTolerantBudgets(), r -> windows(r.windows())));
        v.add(all(results, "docs/design.md: at-least-once", "0 lost in every scenario",
                r -> r.tally().lost() == 0 && r.tally().notSubmitted() == 0, r -> lost(r.tally())));
        v.add(all(results, "issue #6", "every delivery ended (DELIVERED or FAILED) within the drain time",
                r -> r.tally().unfinished() == 0, r -> r.tally().unfinished() + " unfinished"));
        v.add(all(results, "issue #6", "0 claimed twice", r -> r.leases().claimedTwice() == 0,
                r -> Integer.toString(r.leases().claimedTwice())));
        v.add(all(results, "issue #6", "exactly 1 admin alert per FAILED delivery",
                r -> r.tally().failedNotAlerted() == 0 && r.tally().failedAlertedMore() == 0,
                r -> r.tally().failedAlertedOnce() + "/" + r.tally().failed() + " once"));
        v.add(all(results.stream().filter(r -> !r.scenario().has(ChaosAction.DropAfterAccept.class)
                                && !r.scenario().has(ChaosAction.KillInstances.class)).toList(),
                "issue #6", "0 Telegram duplicates without dropped answers or kills (graceful stops only)",
                r -> r.tally().duplicated() == 0, r -> Integer.toString(r.tally().duplicated())));
        v.add(all(results.stream().filter(ScenarioResult::saturated).toList(), "issue #3",
                "achieved / allowed budget ≥ " + SATURATION_TARGET + " when the budget is the only brake",
                r -> r.achievedOverBudget() >= SATURATION_TARGET, r -> fmt(r.achievedOverBudget())));
        byName(results, "kill-9").ifPresentOrElse(r -> {
            v.add(new Verdict("issue #6, kill -9", "Telegram duplicates ≤ sends in flight at the kills",
                    r.tally().duplicated() + " duplicated, " + r.leases().inFlightAtKills() + " in flight",
                    Verdict.Status.of(r.tally().duplicated() <= r.leases().inFlightAtKills())));
            v.add(new Verdict("issue #6, kill -9", "0 duplicates with policy GIVE_UP",
                    r.tally().duplicatedGiveUp() + " GIVE_UP deliveries duplicated",
                    Verdict.Status.of(r.tally().duplicatedGiveUp() == 0)));
            Double rec = r.leases().maxRecoverySeconds();
            v.add(new Verdict("issue #6, kill -9", "killed instance's leased work recovered in ≤ " + (int) RECOVERY_TARGET_SECONDS + " s",
                    (rec == null ? "nothing was held" : fmt1(rec) + " s (lease " + r.scenario().leaseLength().toSeconds() + " s)")
                            + ", " + r.leases().unrecovered() + " never recovered",
                    Verdict.Status.of(r.leases().unrecovered() == 0 && (rec == null || rec <= RECOVERY_TARGET_SECONDS))));
        }, () -> v.add(notRun("issue #6, kill -9", "duplicates ≤ in flight; recovery ≤ 30 s")));
        byName(results, "drop-after-accept").ifPresentOrElse(r -> v.add(new Verdict("issue #3 / #6, dropped answers",
                "duplicates only where an answer was dropped, and none with GIVE_UP",
                r.tally().unexplainedDuplicates() + " unexplained, " + r.tally().duplicatedGiveUp() + " GIVE_UP duplicated",
                Verdict.Status.of(r.tally().unexplainedDuplicates() == 0 && r.tally().duplicatedGiveUp() == 0))),
                () -> v.add(notRun("issue #3 / #6, dropped answers", "duplicates only where an answer was dropped")));
        List<ScenarioResult> chaos = results.stream().filter(r -> r.chaos() != null && r.chaos().measured()).toList();
        v.add(all(chaos, "issue #6, chaos", "throughput after recovery ≥ " + AFTER_OVER_BEFORE_TARGET + " × before",
                r -> r.chaos().afterOverBefore() >= AFTER_OVER_BEFORE_TARGET, r -> fmt(r.chaos().afterOverBefore())));
        results.stream().filter(r -> !r.scenario().hasChaos()).forEach(r -> v.add(new Verdict("issue #3 / #6, " + r.scenario().name(),
                "submit → delivered p50 / p99 (reported, no target)",
                r.tally().latencyMillis().p50() + " / " + r.tally().latencyMillis().p99() + " ms", Verdict.Status.MET)));
        return v;
    }

    private static Verdict all(List<ScenarioResult> results, String source, String target, Predicate<ScenarioResult> ok,
                               java.util.function.Function<ScenarioResult, String> measured) {
        if (results.isEmpty()) {
            return notRun(source, target);
        }
        boolean met = results.stream().allMatch(ok);
        String detail = results.stream().map(r -> r.scenario().name() + " " + measured.apply(r) + (ok.test(r) ? "" : " ✗"))
                .collect(Collectors.joining("; "));
        return new Verdict(source, target, detail, Verdict.Status.of(met));
    }

    private static Verdict notRun(String source, String target) {
        return new Verdict(source, target, "not measured in this run", Verdict.Status.NOT_RUN);
    }

    private static Optional<ScenarioResult> byName(List<ScenarioResult> results, String name) {
        return results.stream().filter(r -> r.scenario().name().equals(name)).findFirst();
    }

    private static String lost(DeliveryTally t) {
        return t.lost() + (t.notSubmitted() > 0 ? " (" + t.notSubmitted() + " never submitted)" : "");
    }

    static String windows(WindowMaxima w) {
        return "global " + w.globalTolerant() + "/" + w.globalPermits() + ", chat " + w.privateTolerant() + "/"
                + w.privatePermits() + ", group " + w.groupStrict() + "/" + w.groupPermits();
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String fmt1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
