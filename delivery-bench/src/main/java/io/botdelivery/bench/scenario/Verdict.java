package io.botdelivery.bench.scenario;

import java.util.Objects;

/**
 * One target checked against a run's figures.
 *
 * @param source   where the target comes from (docs/design.md, issue #6, …)
 * @param target   the target in words
 * @param measured what was measured
 * @param status   met, not met, or not measured in this run
 */
public record Verdict(String source, String target, String measured, Status status) {
    public enum Status {
        MET("met"), NOT_MET("**not met**"), NOT_RUN("not run");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Status of(boolean met) {
            return met ? MET : NOT_MET;
        }
    }

    public Verdict {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(status, "status");
    }
}
