package io.botdelivery.api;

import java.util.concurrent.CompletionStage;

/**
 * The answer to {@link DeliveryService#submit}: the delivery's id at once, and a stage that completes with the final
 * snapshot (DELIVERED, FAILED or CANCELLED) if it finishes while this process runs.
 *
 * @param id        the delivery's id (the existing one if the idempotency key was seen before)
 * @param created   false if the idempotency key was already known and nothing new was stored
 * @param outcome   completes with the final snapshot; never completes exceptionally for delivery failures
 */
public record Submission(DeliveryId id, boolean created, CompletionStage<Delivery> outcome) {
    public Submission {
        InvalidDeliveryException.required(id, "id");
        InvalidDeliveryException.required(outcome, "outcome");
    }
}
