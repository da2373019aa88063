package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosAction;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One named run: which adapters, how many instance JVMs, what workload, what goes wrong.
 *
 * @param name          short name, also the key prefix and the results' directory
 * @param title         one line for the results table
 * @param wiring        the adapters
 * @param instances     instance JVMs
 * @param workload      what is offered
 * @param chaos         what goes wrong, or {@code null} for nothing
 * @param drainTimeout  how long to wait after offering stopped for every delivery to end
 * @param leaseLength   the engine's lease (how long a killed instance's work stays locked)
 * @param maxInlineWait the engine's inline-wait cap (must be shorter than the lease)
 */
public record Scenario(String name, String title, Wiring wiring, int instances, WorkloadSpec workload, ChaosAction chaos,
                       Duration drainTimeout, Duration leaseLength, Duration maxInlineWait) {

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(leaseLength, "leaseLength");
        Objects.requireNonNull(maxInlineWait, "maxInlineWait");
        if (!name.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("name must be lowercase letters, digits and dashes: " + name);
        }
        if (instances < 1 || (!wiring.shared() && instances != 1)) {
            throw new IllegalArgumentException(wiring + " runs exactly one instance (its budget and queue are not shared)");
        }
        if (chaos != null && !wiring.shared() && !(chaos instanceof ChaosAction.DropAfterAccept)) {
            throw new IllegalArgumentException("chaos " + chaos + " needs Redis, PostgreSQL and several instances");
        }
        if (chaos != null && chaos.until().compareTo(workload.offerFor()) > 0) {
            throw new IllegalArgumentException("the chaos must be over before offering stops, to measure throughput after it");
        }
    }

    public Optional<ChaosAction> chaosAction() {
        return Optional.ofNullable(chaos);
    }

    /** A short description of the chaos for tables. */
    public String chaosDescription() {
        if (chaos == null) {
            return "none";
        }
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
