package io.botdelivery.core.spi;

import io.botdelivery.api.DeliveryId;

import java.time.Instant;
import java.util.List;

/**
 * The writes a worker makes to deliveries it leased: each checks that {@code owner} still holds the lease and returns
 * {@code false}, changing nothing, when it does not. The contract of {@link RetryStore} holds for every method.
 */
public interface LeasedWrites {

    /** IN_FLIGHT under {@code owner} → DELIVERED with the Telegram message ids; releases the lease. */
    boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now);

    /** Records an attempt's progress and keeps the lease (the worker will retry it soon, from memory). */
    boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now);

    /** IN_FLIGHT under {@code owner} → PENDING, due at {@code nextAttemptAt}, with the attempt's progress; releases the lease. */
    boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now);

    /**
     * IN_FLIGHT under {@code owner} → FAILED with the reason in {@code state}, and an admin notification owed, in one
     * step. The failed delivery stays leased to the owner until {@code notifyLeaseUntil} so it can notify at once;
     * after that any worker may {@link AlertOutbox#claimUnnotified claim} the owed notification.
     */
    boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil);

}
