package io.botdelivery.api;

/** Where a delivery is in its lifecycle. {@link #DELIVERED}, {@link #FAILED} and {@link #CANCELLED} are final, except that
 * {@link DeliveryService#redeliver} moves a FAILED delivery back to PENDING. */
public enum DeliveryStatus {
    /** Accepted and stored, waiting for its (next) attempt. */
    PENDING,
    /** Leased by one engine instance, which is waiting for its rate-limit slot or sending it. */
    IN_FLIGHT,
    /** Telegram accepted every part of it. */
    DELIVERED,
    /** Given up, with a reason; an admin is notified once. */
    FAILED,
    /** Cancelled before it was sent. */
    CANCELLED;

    public boolean isFinal() {
        return this == DELIVERED || this == FAILED || this == CANCELLED;
    }
}
