package io.botdelivery.bench.scenario;

import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;

import java.time.Instant;
import java.util.Objects;

/**
 * How the store left one workload delivery at the end of a run.
 *
 * @param deliveryId   the engine's id
 * @param status       its final (or, if the drain timed out, current) status
 * @param failureClass why it FAILED, or {@code null}
 * @param notifiedAt   when its admin alert was recorded, or {@code null}
 */
public record StoredOutcome(String deliveryId, DeliveryStatus status, FailureClass failureClass, Instant notifiedAt) {
    public StoredOutcome {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(status, "status");
    }
}
