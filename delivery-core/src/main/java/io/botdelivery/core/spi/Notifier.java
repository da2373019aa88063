package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;

/**
 * Tells a human that a delivery FAILED. The engine calls it exactly once per FAILED delivery (recorded in the store),
 * and calls it again later if it throws.
 *
 * <p><b>Contract.</b> Thread-safe. Returns normally only when the alert was handed over (e.g. Telegram accepted the
 * admin message); throws any exception otherwise, and the engine retries later. Must not call back into the engine.
 */
public interface Notifier {

    /** Alerts about {@code failed} (status FAILED, with {@code lastError} and {@code lastErrorClass} set). */
    void deliveryFailed(Delivery failed) throws Exception;

    /**
     * The sender reported a configuration problem (bad token, wrong API URL): nothing can be sent, deliveries stay
     * queued. Called once per halt, best effort (an exception is logged, not retried).
     */
    default void sendingHalted(String reason) throws Exception {
    }

    /** A notifier that only logs nothing and succeeds: for tests and for bots without admins. */
    static Notifier none() {
        return failed -> { };
    }
}
