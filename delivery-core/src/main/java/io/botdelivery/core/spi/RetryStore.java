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
 * <p><b>Roles.</b> The methods are grouped by who needs them: {@link DeliveryQueue} (save, claim, leases, cancel,
 * redeliver, purge), {@link LeasedWrites} (an owner's outcome writes), {@link AlertOutbox} (owed admin alerts) and
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
