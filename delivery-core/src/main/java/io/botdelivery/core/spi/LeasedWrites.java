package io.botdelivery.core.spi;

import io.botdelivery.api.DeliveryId;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The writes a worker makes to deliveries it leased: each checks that {@code owner} still holds the lease and returns
 * {@code false}, changing nothing, when it does not. The contract of {@link RetryStore} holds for every method.
 */
public interface LeasedWrites {

    /** One delivery for {@link #completeAll}: its id and the Telegram message ids it was delivered as. */
    record Completion(DeliveryId id, List<Long> messageIds) {
        /** @throws NullPointerException if {@code id}, {@code messageIds} or one of the message ids is null */
        public Completion {
            Objects.requireNonNull(id, "id");
            messageIds = List.copyOf(messageIds);
        }
    }

    /** IN_FLIGHT under {@code owner} → DELIVERED with the Telegram message ids; releases the lease. */
    boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now);

    /**
     * {@link #complete} for many deliveries leased to one owner, in as few round trips as the storage allows. For a
     * worker that finishes many sends a second: one write per batch instead of one per delivery.
     *
     * <ul>
     *   <li><b>Row by row.</b> Each completion is checked and written exactly as {@code complete} would write it
     *       (IN_FLIGHT under {@code owner} → DELIVERED with its message ids, finished at {@code now}, lease released).
     *       A delivery whose lease was lost (another worker claimed it), that is no longer IN_FLIGHT (completed already,
     *       cancelled) or that does not exist is left unchanged, and the others are completed all the same: one lost
     *       lease never holds back the rest of the batch.</li>
     *   <li><b>Answer.</b> The ids that were <em>not</em> completed (those for which {@code complete} would have
     *       answered {@code false}), in the order given; empty when every one was completed.</li>
     *   <li><b>An id at most once per batch.</b> A repeated id throws {@link IllegalArgumentException} before anything
     *       is written (which of two message id lists would be meant is not knowable).</li>
     *   <li><b>Nulls.</b> A null list, a null element, a null {@code owner} or {@code now} throws
     *       {@link NullPointerException} before anything is written. An empty list answers an empty set without
     *       touching the storage.</li>
     *   <li><b>Outages.</b> A {@link RetryStoreException} leaves it unknown which of the batch were completed, as for
     *       {@code complete}; calling again with the same batch is safe (those already completed are answered as not
     *       completed, and are not written twice).</li>
     * </ul>
     *
     * <p>The default checks the batch, then calls {@code complete} once per delivery: correct, but one round trip each.
     * A store over remote storage should override it with one statement per batch.
     *
     * @param completions the deliveries to complete, each id at most once
     * @param owner       the worker that holds their leases
     * @param now         when they were delivered
     * @return the ids not completed, in the order given
     */
    default Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
        checkBatch(completions, owner, now);
        Set<DeliveryId> notCompleted = new LinkedHashSet<>();
        for (Completion c : completions) {
            if (!complete(c.id(), owner, c.messageIds(), now)) {
                notCompleted.add(c.id());
            }
        }
        return notCompleted;
    }

    /**
     * The argument checks {@link #completeAll} makes before writing anything, for stores that override it.
     *
     * @throws NullPointerException     if an argument or an element is null
     * @throws IllegalArgumentException if an id is given twice
     */
    static void checkBatch(List<Completion> completions, String owner, Instant now) {
        Objects.requireNonNull(completions, "completions");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        Set<DeliveryId> seen = new HashSet<>();
        int i = 0;
        for (Completion c : completions) {
            Objects.requireNonNull(c, "completions[" + i + "]");
            if (!seen.add(c.id())) {
                throw new IllegalArgumentException("completions[" + i + "]: delivery " + c.id() + " is given twice");
            }
            i++;
        }
    }

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
