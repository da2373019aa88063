package io.botdelivery.api;

import java.util.ArrayList;
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

    /**
     * Accepts many deliveries, as {@link #submit} would one at a time, and answers one submission per request in the
     * order given. Every request is checked first: a null one rejects the whole batch with an
     * {@link InvalidDeliveryException} naming its index (e.g. {@code requests[3]}) and nothing is stored. An
     * idempotency key already known, or repeated inside the batch, answers the existing delivery
     * ({@link Submission#created()} false). Not all-or-nothing: if storing fails part-way, the exception reaches the
     * caller and some requests may be stored; submitting the same batch again is safe, thanks to the idempotency keys.
     * Deliveries of one chat go out in the order given.
     *
     * <p>The default calls {@link #submit} once per request; the delivery engine stores a batch in a few round trips.
     *
     * @throws IllegalStateException if the service is shutting down (nothing more is stored)
     */
    default List<Submission> submitAll(List<DeliveryRequest> requests) {
        if (requests == null) {
            throw new NullPointerException("requests");
        }
        for (int i = 0; i < requests.size(); i++) {
            InvalidDeliveryException.required(requests.get(i), "requests[" + i + "]");
        }
        List<Submission> submissions = new ArrayList<>(requests.size());
        for (DeliveryRequest request : requests) {
            submissions.add(submit(request));
        }
        return List.copyOf(submissions);
    }

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
