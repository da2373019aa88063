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

    /** One delivery of a batch write ({@link #completeAll}, {@link #recordAttemptAll}): what {@link #checkBatch} checks. */
    sealed interface BatchItem permits Completion, Attempt {
        /** @return the delivery this item writes */
        DeliveryId id();
    }

    /** One delivery for {@link #completeAll}: its id and the Telegram message ids it was delivered as. */
    record Completion(DeliveryId id, List<Long> messageIds) implements BatchItem {
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
     * The argument checks {@link #completeAll} and {@link #recordAttemptAll} make before writing anything, for stores
     * that override them.
     *
     * @throws NullPointerException     if an argument or an element is null
     * @throws IllegalArgumentException if an id is given twice
     */
    static void checkBatch(List<? extends BatchItem> batch, String owner, Instant now) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        Set<DeliveryId> seen = new HashSet<>();
        int i = 0;
        for (BatchItem item : batch) {
            Objects.requireNonNull(item, "batch[" + i + "]");
            if (!seen.add(item.id())) {
                throw new IllegalArgumentException("batch[" + i + "]: delivery " + item.id() + " is given twice");
            }
            i++;
        }
    }

    /** Records an attempt's progress and keeps the lease (the worker will retry it soon, from memory). */
    boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now);

    /**
     * {@link #recordAttempt} for many deliveries leased to one owner, in as few round trips as the storage allows. For
     * the engine's "send started" mark (written before every send of a GIVE_UP delivery): one write per batch of sends
     * instead of one per send.
     *
     * <p>The rules of {@link #completeAll} hold, with {@code recordAttempt} in place of {@code complete}:
     * <ul>
     *   <li><b>Row by row.</b> Each attempt is checked and written exactly as {@code recordAttempt} would write it
     *       (IN_FLIGHT under {@code owner}: its state recorded, updated at {@code now}, the lease kept). A delivery whose
     *       lease was lost, that is no longer IN_FLIGHT or that does not exist is left unchanged, and the others are
     *       written all the same.</li>
     *   <li><b>Answer.</b> The ids that were <em>not</em> recorded (those for which {@code recordAttempt} would have
     *       answered {@code false}), in the order given; empty when every one was recorded.</li>
     *   <li><b>An id at most once per batch.</b> A repeated id throws {@link IllegalArgumentException} before anything
     *       is written.</li>
     *   <li><b>Nulls.</b> A null list, a null element, a null {@code owner} or {@code now} throws
     *       {@link NullPointerException} before anything is written. An empty list answers an empty set without
     *       touching the storage.</li>
     *   <li><b>Outages.</b> A {@link RetryStoreException} leaves it unknown which of the batch were recorded, as for
     *       {@code recordAttempt}; calling again with the same batch is safe (recording the same state twice is
     *       recording it once).</li>
     * </ul>
     *
     * <p>The default checks the batch, then calls {@code recordAttempt} once per delivery: correct, but one round trip
     * each. A store over remote storage should override it with one statement per batch.
     *
     * @param attempts the deliveries and the states to record, each id at most once
     * @param owner    the worker that holds their leases
     * @param now      when the states were reached
     * @return the ids not recorded, in the order given
     */
    default Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
        checkBatch(attempts, owner, now);
        Set<DeliveryId> notRecorded = new LinkedHashSet<>();
        for (Attempt a : attempts) {
            if (!recordAttempt(a.id(), owner, a.state(), now)) {
                notRecorded.add(a.id());
            }
        }
        return notRecorded;
    }

    /** One delivery for {@link #recordAttemptAll}: its id and the attempt's state to record. */
    record Attempt(DeliveryId id, AttemptState state) implements BatchItem {
        /** @throws NullPointerException if {@code id} or {@code state} is null */
        public Attempt {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(state, "state");
        }
    }

    /** IN_FLIGHT under {@code owner} → PENDING, due at {@code nextAttemptAt}, with the attempt's progress; releases the lease. */
    boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now);

    /**
     * IN_FLIGHT under {@code owner} → FAILED with the reason in {@code state}, and an admin notification owed, in one
     * step. The failed delivery stays leased to the owner until {@code notifyLeaseUntil} so it can notify at once;
     * after that any worker may {@link AlertOutbox#claimUnnotified claim} the owed notification.
     */
    boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil);

}
