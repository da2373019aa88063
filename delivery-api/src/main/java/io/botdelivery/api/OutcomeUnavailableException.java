package io.botdelivery.api;

import java.util.Optional;

/**
 * Completes a {@link Submission#outcome()} whose delivery had not ended when the service that handed it out stopped
 * tracking it (it was closed). The delivery itself is not lost: it stays in the store and is finished by another
 * instance or the next start; ask {@link DeliveryService#find} for its state later.
 */
public final class OutcomeUnavailableException extends IllegalStateException {
    private final transient DeliveryId deliveryId;
    private final transient Delivery lastKnown;

    private OutcomeUnavailableException(String message, DeliveryId deliveryId, Delivery lastKnown) {
        super(message);
        this.deliveryId = deliveryId;
        this.lastKnown = lastKnown;
    }

    /** The engine closed before delivery {@code id} ended; {@code lastKnown} is its last snapshot, or null if unknown. */
    public static OutcomeUnavailableException engineClosed(DeliveryId id, Delivery lastKnown) {
        String state = lastKnown == null ? "unknown (the store could not be read)" : lastKnown.status().name();
        return new OutcomeUnavailableException("engine closed before delivery " + id + " ended; its state is " + state
                + " and it stays in the store, to be finished by another instance or the next start", id, lastKnown);
    }

    public DeliveryId deliveryId() {
        return deliveryId;
    }

    /** The delivery's last snapshot this process saw, if any. */
    public Optional<Delivery> lastKnown() {
        return Optional.ofNullable(lastKnown);
    }
}
