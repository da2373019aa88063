package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosAction;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One named run: which adapters, how many instance JVMs, what workload, what goes wrong.
 *
 * @param name               short name, also the key prefix and the results' directory
 * @param title              one line for the results table
 * @param wiring             the adapters
 * @param instances          instance JVMs
 * @param workload           what is offered
 * @param chaos              what goes wrong (empty for nothing), each on its own schedule
 * @param drainTimeout       how long to wait after offering stopped for every delivery to end
 * @param leaseLength        the engine's lease (how long a killed instance's work stays locked)
 * @param maxInlineWait      the engine's inline-wait cap (must be shorter than the lease)
 * @param arrivalTolerance   how much shorter than a budget's window the simulator checks (its default, 20 ms, for
 *                           the measured suite; the smoke run allows more, as a shared CI machine delays sends by
 *                           hundreds of milliseconds)
 */
public record Scenario(String name, String title, Wiring wiring, int instances, WorkloadSpec workload,
                       List<ChaosAction> chaos, Duration drainTimeout, Duration leaseLength, Duration maxInlineWait,
                       Duration arrivalTolerance) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(workload, "workload");
        chaos = List.copyOf(chaos);
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(leaseLength, "leaseLength");
        Objects.requireNonNull(maxInlineWait, "maxInlineWait");
        Objects.requireNonNull(arrivalTolerance, "arrivalTolerance");
        if (!name.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("name must be lowercase letters, digits and dashes: " + name);
        }
        if (instances < 1 || (!wiring.shared() && instances != 1)) {
            throw new IllegalArgumentException(wiring + " runs exactly one instance (its budget and queue are not shared)");
        }
        for (ChaosAction a : chaos) {
            if (!wiring.shared() && !(a instanceof ChaosAction.DropAfterAccept)) {
                throw new IllegalArgumentException("chaos " + a + " needs Redis, PostgreSQL and several instances");
            }
            if (a.until().compareTo(workload.offerFor()) > 0) {
                throw new IllegalArgumentException("the chaos must be over before offering stops, to measure throughput after it");
            }
        }
    }

    /** The same scenario with another arrival tolerance at the simulator. */
    public Scenario withArrivalTolerance(Duration tolerance) {
        return new Scenario(name, title, wiring, instances, workload, chaos, drainTimeout, leaseLength, maxInlineWait, tolerance);
    }

    public boolean hasChaos() {
        return !chaos.isEmpty();
    }

    /** Whether one of the chaos actions is of this kind. */
    public boolean has(Class<? extends ChaosAction> kind) {
        return chaos.stream().anyMatch(kind::isInstance);
    }

    /** A short description of the chaos for tables. */
    public String chaosDescription() {
        if (chaos.isEmpty()) {
            return "none";
        }
        return chaos.stream().map(Scenario::describe).collect(Collectors.joining("; "));
    }

    private static String describe(ChaosAction chaos) {
        if (chaos instanceof ChaosAction.KillInstances k) {
            return "kill -9 one instance every " + k.every().toSeconds() + " s from " + k.from().toSeconds() + " s to "
                    + k.until().toSeconds() + " s, restarted at once";
        }
        if (chaos instanceof ChaosAction.RedisOutage r) {
            return "Redis down " + r.downFor().toSeconds() + " s at " + r.from().toSeconds() + " s, back empty";
        }
        if (chaos instanceof ChaosAction.PostgresRestart p) {
            return "PostgreSQL down " + p.downFor().toSeconds() + " s at " + p.from().toSeconds() + " s, restarted";
        }
        if (chaos instanceof ChaosAction.TerminateSessions t) {
            return "pg_terminate_backend on every store session every " + t.every().toSeconds() + " s from "
                    + t.from().toSeconds() + " s to " + t.until().toSeconds() + " s";
        }
        ChaosAction.DropAfterAccept d = (ChaosAction.DropAfterAccept) chaos;
        return Math.round(d.share() * 100) + " % of sends dropped after accepting, " + d.from().toSeconds() + " s to "
                + d.until().toSeconds() + " s";
    }
}
