package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The queue role of a {@link RetryStore}: new deliveries in, due ones leased out, leases kept, cancels and redeliveries,
 * and the purge of old finished rows. The contract of {@link RetryStore} (thread-safety, leases, idempotency, nulls,
 * {@link RetryStoreException}) holds for every method.
 */
public interface DeliveryQueue {

    /** The result of {@link #save}, and of each delivery in {@link #saveAll}. */
    record Saved(Delivery delivery, boolean created, boolean leased) {
    }

    /**
     * Stores a new delivery (status PENDING, due at its {@code nextAttemptAt}), or returns the one stored under the
     * same idempotency key ({@code created = false}, nothing changed). If {@code lease} is not null, a newly created
     * delivery is stored IN_FLIGHT under that lease ({@code leased = true}) unless an earlier delivery with the same
     * ordering key is unfinished, so the caller may send it at once without another round trip.
     */
    Saved save(Delivery delivery, Lease lease);

    /**
     * Stores many new deliveries, each as {@link #save} with no lease would (PENDING, due at its
     * {@code nextAttemptAt}), in as few round trips as the storage allows; answers one {@link Saved} per delivery, in
     * the order given.
     *
     * <ul>
     *   <li><b>Idempotency keys</b> hold as for {@code save}: a delivery whose key is already stored answers the stored
     *       one ({@code created = false}, nothing changed); a key repeated inside the batch is stored once, for its
     *       first occurrence, and every later occurrence answers that delivery with {@code created = false}.</li>
     *   <li><b>Nothing is leased</b> ({@code leased = false} in every answer): the deliveries are claimed like any
     *       other due work, so a caller with room under its own bound claims them with {@link #claimDue}.</li>
     *   <li><b>Order.</b> Deliveries created by one call with equal priority, due time and creation time are claimed
     *       in the order given (and an earlier one holds back a later one with the same ordering key).</li>
     *   <li><b>Nulls.</b> A null list or a null element throws {@link NullPointerException} before anything is
     *       stored. An empty list answers an empty list without touching the storage.</li>
     *   <li><b>Not all-or-nothing.</b> A store may split a large batch into several statements; when one fails
     *       ({@link RetryStoreException}) the deliveries before it may be stored. Calling again with the same
     *       deliveries is safe: their idempotency keys make it a repeat, not a second copy.</li>
     * </ul>
     *
     * <p>The default calls {@code save} once per delivery: correct, but one round trip each. Every store in this
     * project overrides it with a batched write; a store over remote storage should too.
     *
     * @param deliveries the new deliveries, in the order their answers come back
     * @return one answer per delivery, in the same order
     */
    default List<Saved> saveAll(List<Delivery> deliveries) {
        Objects.requireNonNull(deliveries, "deliveries");
        int i = 0;
        for (Delivery d : deliveries) {
            Objects.requireNonNull(d, "deliveries[" + i++ + "]");
        }
        return deliveries.stream().map(d -> save(d, null)).toList();
    }

    /**
     * Leases up to {@code max} due deliveries to {@code lease.owner()}: PENDING ones with {@code nextAttemptAt <= now}
     * and IN_FLIGHT ones whose lease ended ({@code until <= now}), ordered by priority, then due time, then creation.
     * They come back IN_FLIGHT.
     */
    List<Delivery> claimDue(Instant now, int max, Lease lease);

    /**
     * Extends the leases the owner still holds to {@code lease.until()} and returns the ids it still holds; a delivery
     * missing from the answer was lost (another worker may have it) and must not be sent.
     */
    Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease);

    /**
     * PENDING → CANCELLED; also IN_FLIGHT → CANCELLED when leased by {@code owner} (null: only PENDING, or IN_FLIGHT
     * with an ended lease).
     */
    boolean cancel(DeliveryId id, String owner, Instant now);

    /**
     * FAILED → PENDING, due now, attempts reset to 0, notification no longer owed (a new failure owes a new one).
     * Album items already delivered stay delivered.
     */
    boolean redeliver(DeliveryId id, Instant now);

    /**
     * Deletes up to {@code max} deliveries that ended (DELIVERED, FAILED with its alert sent, CANCELLED) before
     * {@code finishedBefore}, oldest first, and returns how many it deleted. A FAILED delivery whose alert is still owed
     * is kept whatever its age. Called repeatedly, in batches, so no single call holds the storage long.
     */
    int purgeFinished(Instant finishedBefore, int max);
}
