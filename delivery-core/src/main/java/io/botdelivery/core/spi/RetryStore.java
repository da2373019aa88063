package io.botdelivery.core.spi;

/**
 * The queue of deliveries: every accepted delivery is saved here before its first attempt, and workers lease due
 * ones from it. With a durable implementation this is what makes "nothing lost" true across crashes and replicas.
 *
 * <p><b>Contract.</b> Thread-safe, and safe for many workers in many processes. One delivery per idempotency key. A
 * leased delivery is never handed to a second worker until its lease ends; every write by a worker ({@code owner})
 * checks that it still holds the lease and returns {@code false}, changing nothing, when it does not (a slow worker
 * that lost its lease cannot overwrite a newer result). Every state transition is idempotent in effect: repeating it
 * returns {@code false} and changes nothing ({@link #recordAttempt} and {@link #renewLeases} answer whether the lease is
 * still held, so repeating them answers the same). Deliveries with an {@code orderingKey} are never claimed or leased while an
 * earlier-created delivery with the same key is PENDING or IN_FLIGHT. Null arguments throw
 * {@link NullPointerException}; a store that cannot reach its storage throws {@link RetryStoreException}.
 *
 * <p><b>Rules a store gets wrong when careless</b> (each is checked by {@code RetryStoreContract}):
 * <ul>
 *   <li><b>Leases end exactly when they are given to end.</b> A claim's lease, {@code save}'s, a renewal's,
 *       {@code fail}'s {@code notifyLeaseUntil} and an alert claim's each end at their own {@code until}; a store
 *       never applies a lease length or a clock of its own. A delivery is due when {@code nextAttemptAt <= now}; a
 *       lease has ended when {@code until <= now}.</li>
 *   <li><b>Lease checks are by owner.</b> A write by {@code owner} succeeds while the delivery is leased to that
 *       owner. After {@code until} a store may still accept it until the delivery is claimed again (store-postgres
 *       and store-jdbc do; store-memory stops at the next claim that runs); once another worker has claimed it, the
 *       old owner's writes change nothing.</li>
 *   <li><b>Order.</b> Claims come by priority, then due time, then creation; an IN_FLIGHT delivery whose lease ended
 *       may be ordered by its due time or by when its lease ended.</li>
 *   <li><b>Time precision.</b> Instants are kept to at least the microsecond: an instant with no finer part is read
 *       back equal, and due times and lease ends are compared at that precision.</li>
 *   <li><b>{@code max}.</b> Every batch ({@code claimDue}, {@code claimUnnotified}, {@code purgeFinished}) handles at
 *       most {@code max}; {@code max <= 0} handles nothing.</li>
 *   <li><b>Batches.</b> {@code saveAll} keeps {@code save}'s idempotency (a key stored before, or repeated inside
 *       the batch, answers the stored delivery with {@code created = false}), answers in the order given, and its
 *       new deliveries are claimed in that order.</li>
 *   <li><b>Batched writes.</b> {@code completeAll} and {@code recordAttemptAll} check the lease of each delivery on its
 *       own: one whose lease was lost is left unchanged and answered, and the rest of the batch is written all the
 *       same; nothing is written when an argument is null or an id repeated.</li>
 *   <li><b>Payloads</b> come back equal to what was saved: every field and send option, parse modes of album items
 *       included (delivery-codec's {@code PayloadCodec} does this for stores that keep JSON).</li>
 *   <li><b>Nulls.</b> Only {@code save}'s {@code lease} and {@code cancel}'s {@code owner} may be null; any other null
 *       argument throws {@link NullPointerException}, even when the answer would otherwise be "nothing".</li>
 *   <li><b>Outages</b> throw {@link RetryStoreException}, never another exception and never a wrong answer, and the
 *       same store instance works again once its storage is back.</li>
 * </ul>
 *
 * <p><b>Roles.</b> The methods are grouped by who needs them: {@link DeliveryQueue} (save, saveAll, claim, leases, cancel,
 * redeliver, purge), {@link LeasedWrites} (an owner's outcome writes, one at a time or in batches), {@link AlertOutbox} (owed admin alerts) and
 * {@link DeliveryQueries} (reads). A store implements all four; code that needs one role depends on that one.
 *
 * <p><b>Retention.</b> Finished deliveries do not stay forever: {@link #purgeFinished} deletes those older than the
 * engine's {@code finishedRetention} (7 days by default), and an in-memory store may also forget the oldest finished
 * ones beyond a bound of its own.
 *
 * <p><b>Lifecycle.</b> A store holding resources (a connection pool) releases them in {@link #close()}; whoever
 * created it closes it, after the engines using it.
 */
public interface RetryStore extends DeliveryQueue, LeasedWrites, AlertOutbox, DeliveryQueries, AutoCloseable {

    /** Releases what the store holds; idempotent. The default holds nothing. */
    @Override
    default void close() {
    }
}
