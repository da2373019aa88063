package io.botdelivery.store.postgres;

/** A stored delivery that this version cannot turn back into a {@code Delivery}: corrupted, or written by a newer version. */
final class UnreadableDeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableDeliveryException(String reason) {
        super(reason);
    }

    UnreadableDeliveryException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
