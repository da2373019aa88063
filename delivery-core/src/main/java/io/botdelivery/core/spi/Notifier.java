package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;

import java.time.Duration;

/**
 * Tells a human that a delivery FAILED. The engine calls it exactly once per FAILED delivery (recorded in the store),
 * and calls it again later if it throws.
 *
 * <p><b>Contract.</b> Thread-safe. Returns normally only when the alert was handed over (e.g. Telegram accepted the
 * admin message); throws any exception otherwise, and the engine retries later. Must not call back into the engine.
 * <b>Each call returns or throws within {@link #MAX_BLOCKING}</b>, waits for rate-limit slots and network round trips
 * included: a notifier that would have to wait longer (the admin chat's budget is taken, the bot is paused after a
 * 429) throws instead, and the engine calls again later. The engine runs alerts one at a time on an executor of their
 * own, so a slow notifier delays only other alerts, never a delivery; the bound keeps that queue moving.
 *
 * <p><b>Rules a careless notifier breaks</b> (each checked by {@code NotifierContract}): a refusal is a failure
 * whatever its kind — a 5xx, a 4xx ("invalid payload", "chat not found"), a timeout, a refused connection — so the
 * call throws and never logs-and-returns; every network call has a timeout that keeps the whole call within
 * {@link #MAX_BLOCKING}, so a backend that accepts the connection and never answers cannot hold it; one instance is
 * called from many threads at once, so nothing per-call (a message buffer) may be shared between calls.
 *
 * <p>A notifier that holds resources (an HTTP client) releases them in {@link #close()}; whoever created it closes
 * it, after the engine.
 */
public interface Notifier extends AutoCloseable {

    /** How long one call may take at most, waits included. */
    Duration MAX_BLOCKING = Duration.ofSeconds(5);

    /** Alerts about {@code failed} (status FAILED, with {@code lastError} and {@code lastErrorClass} set). */
    void deliveryFailed(Delivery failed) throws Exception;

    /**
     * The sender reported a configuration problem (bad token, wrong API URL): nothing can be sent, deliveries stay
     * queued. Called once per halt, best effort (an exception is logged, not retried).
     */
    default void sendingHalted(String reason) throws Exception {
    }

    /** Releases what the notifier holds; idempotent. The default holds nothing. */
    @Override
    default void close() {
    }

    /** A notifier that only logs nothing and succeeds: for tests and for bots without admins. */
    static Notifier none() {
        return failed -> { };
    }
}
