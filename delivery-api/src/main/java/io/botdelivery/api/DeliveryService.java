package io.botdelivery.api;

import java.util.List;
import java.util.Optional;

/**
 * Delivers messages and files to Telegram chats as fast as Telegram allows and never faster; every accepted delivery
 * ends DELIVERED, or FAILED with its reason and one admin notification. Thread-safe.
 */
public interface DeliveryService {

    /**
     * Accepts a delivery: it is stored before its first attempt and returned at once. Submitting an idempotency key
     * that is already known returns the existing delivery and stores nothing ({@link Submission#created()} false).
     *
     * @throws IllegalStateException if the service is shutting down (nothing is stored)
     */
    Submission submit(DeliveryRequest request);

    /** The delivery's current snapshot, or empty if the id is unknown. */
    Optional<Delivery> find(DeliveryId id);

    /** The delivery submitted with this idempotency key, or empty. */
    Optional<Delivery> findByIdempotencyKey(IdempotencyKey key);

    /**
     * Cancels a delivery that has not been sent yet. Returns false if it is unknown, already final, or on the wire
     * right now (it may arrive).
     */
    boolean cancel(DeliveryId id);

    /**
     * Moves a FAILED delivery back to PENDING with a fresh attempt budget, e.g. after the admin fixed the cause.
     * Returns false unless it was FAILED.
     */
    boolean redeliver(DeliveryId id);

    /** Counts by status and the oldest waiting delivery. */
    QueueSummary summary();

    /** The most recently FAILED deliveries, newest first, at most {@code limit}. */
    List<Delivery> recentFailures(int limit);
}
