package io.botdelivery.store.memory;

import io.botdelivery.api.Delivery;

import java.time.Instant;
import java.util.Comparator;

/**
 * One delivery in {@link InMemoryRetryStore}: mutable bookkeeping (its lease) around an immutable snapshot, and the
 * orders the store's indexes keep rows in. Guarded by the store's lock.
 */
final class Row {
    // Equal creation times fall back to insertion order (as the SQL stores' seq column does): a batch saved at one
    // instant is claimed in the order it was given.
    static final Comparator<Row> BY_DUE = Comparator.<Row, Instant>comparing(r -> r.delivery.nextAttemptAt())
            .thenComparing(r -> r.delivery.createdAt())
            .thenComparingLong(r -> r.seq);
    static final Comparator<Row> BY_CREATION = Comparator.<Row, Instant>comparing(r -> r.delivery.createdAt())
            .thenComparingLong(r -> r.seq);
    static final Comparator<Row> BY_LEASE_END = Comparator.<Row, Instant>comparing(r -> r.leaseUntil)
            .thenComparing(r -> r.delivery.id().value());
    static final Comparator<Row> BY_FINISH_DESC = Comparator.<Row, Instant>comparing(r -> r.delivery.finishedAt())
            .thenComparing(r -> r.delivery.id().value()).reversed();

    /** Insertion order: unique, so it also tells rows apart in the indexes. */
    final long seq;
    Delivery delivery;
    String leaseOwner;
    Instant leaseUntil;

    Row(Delivery delivery, long seq) {
        this.delivery = delivery;
        this.seq = seq;
    }

    boolean leasedBy(String owner) {
        return owner.equals(leaseOwner);
    }
}
