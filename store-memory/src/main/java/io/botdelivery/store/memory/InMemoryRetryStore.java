package io.botdelivery.store.memory;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.Priority;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LeasedWrites;
import io.botdelivery.core.spi.RetryStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link RetryStore} in memory: the reference implementation of the store contract. Thread-safe (one lock; every
 * operation is a few map and tree updates). Claiming is O(log n) per claimed delivery: waiting deliveries are kept in
 * one due-time index per priority, and leases in an expiry index.
 *
 * <p>Nothing survives the process: at-least-once holds only while it lives. Use {@code store-postgres} when deliveries
 * must survive a restart.
 *
 * <p><b>Bounded.</b> Finished deliveries (payloads, uploads included) are kept for queries only up to
 * {@code maxFinished} of them (10,000 by default): beyond that the oldest finished one is forgotten, its idempotency key
 * with it. A FAILED delivery whose admin alert is still owed is never forgotten. {@link #purgeFinished} also deletes
 * finished deliveries by age, as every store does.
 */
public final class InMemoryRetryStore implements RetryStore {
    public static final int DEFAULT_MAX_FINISHED = 10_000;

    private final Object lock = new Object();
    private final Map<DeliveryId, Row> rows = new HashMap<>();
    private final Map<IdempotencyKey, Row> byKey = new HashMap<>();
    private final Map<Priority, TreeSet<Row>> waiting = new EnumMap<>(Priority.class);
    private final TreeSet<Row> leased = new TreeSet<>(Row.BY_LEASE_END);
    private final TreeSet<Row> failed = new TreeSet<>(Row.BY_FINISH_DESC);
    private final Map<String, TreeSet<Row>> unfinishedByOrderingKey = new HashMap<>();
    /** Finished rows, in the order they finished (the oldest first): what retention forgets first. */
    private final LinkedHashSet<Row> finishedOrder = new LinkedHashSet<>();
    private final int maxFinished;
    /** The last {@link Row#seq} given; guarded by the lock. */
    private long lastSeq;

    /** A store that keeps at most {@link #DEFAULT_MAX_FINISHED} finished deliveries. */
    public InMemoryRetryStore() {
        this(DEFAULT_MAX_FINISHED);
    }

    /** A store that keeps at most {@code maxFinished} finished deliveries (at least 1). */
    public InMemoryRetryStore(int maxFinished) {
        if (maxFinished < 1) {
            throw new IllegalArgumentException("maxFinished must be at least 1, was " + maxFinished);
        }
        this.maxFinished = maxFinished;
        for (Priority p : Priority.values()) {
            waiting.put(p, new TreeSet<>(Row.BY_DUE));
        }
    }

    @Override
    public Saved save(Delivery delivery, Lease lease) {
        Objects.requireNonNull(delivery, "delivery");
        synchronized (lock) {
            return insert(delivery, lease);
        }
    }

    /** One lock for the whole batch: its rows get consecutive insertion numbers, so they are claimed in order. */
    @Override
    public List<Saved> saveAll(List<Delivery> deliveries) {
        Objects.requireNonNull(deliveries, "deliveries");
        List<Delivery> batch = List.copyOf(deliveries); // throws on a null element before anything is stored
        List<Saved> answers = new ArrayList<>(batch.size());
        synchronized (lock) {
            for (Delivery d : batch) {
                answers.add(insert(d, null));
            }
        }
        return answers;
    }

    private Saved insert(Delivery delivery, Lease lease) {
        Row existing = byKey.get(delivery.request().idempotencyKey());
        if (existing != null) {
            return new Saved(existing.delivery, false, false);
        }
        Row row = new Row(delivery.withStatus(DeliveryStatus.PENDING, delivery.updatedAt()), ++lastSeq);
        rows.put(delivery.id(), row);
        byKey.put(delivery.request().idempotencyKey(), row);
        String orderingKey = delivery.request().orderingKey();
        if (orderingKey != null) {
            unfinishedByOrderingKey.computeIfAbsent(orderingKey, k -> new TreeSet<>(Row.BY_CREATION)).add(row);
        }
        if (lease != null && isFirstOfItsOrderingKey(row)) {
            takeLease(row, lease, delivery.updatedAt());
            return new Saved(row.delivery, true, true);
        }
        waitingQueue(row).add(row);
        return new Saved(row.delivery, true, false);
    }

    @Override
    public List<Delivery> claimDue(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        synchronized (lock) {
            returnExpiredLeases(now);
            List<Delivery> claimed = new ArrayList<>();
            for (Priority priority : Priority.values()) {
                Iterator<Row> it = waiting.get(priority).iterator();
                while (claimed.size() < max && it.hasNext()) {
                    Row row = it.next();
                    if (row.delivery.nextAttemptAt().isAfter(now)) {
                        break;
                    }
                    if (!isFirstOfItsOrderingKey(row)) {
                        continue;
                    }
                    it.remove();
                    takeLease(row, lease, now);
                    claimed.add(row.delivery);
                }
            }
            return claimed;
        }
    }

    @Override
    public Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(lease, "lease");
        synchronized (lock) {
            Set<DeliveryId> held = new LinkedHashSet<>();
            for (DeliveryId id : ids) {
                Row row = rows.get(id);
                if (row != null && row.delivery.status() == DeliveryStatus.IN_FLIGHT && row.leasedBy(lease.owner())) {
                    leased.remove(row);
                    row.leaseUntil = lease.until();
                    leased.add(row);
                    held.add(id);
                }
            }
            return held;
        }
    }

    @Override
    public boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(messageIds, "messageIds");
        synchronized (lock) {
            Row row = inFlightUnder(id, owner);
            if (row == null) {
                return false;
            }
            Delivery d = row.delivery;
            finish(row, new Delivery(d.id(), d.request(), d.chatId(), DeliveryStatus.DELIVERED, d.attempts(),
                    d.deliveredItems(), messageIds, d.lastError(), d.lastErrorClass(), d.createdAt(), now, null, now,
                    d.notifiedAt()));
            return true;
        }
    }

    /** One lock for the whole batch: no other write lands between its completions. */
    @Override
    public Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
        LeasedWrites.checkBatch(completions, owner, now);
        Set<DeliveryId> notCompleted = new LinkedHashSet<>();
        synchronized (lock) {
            for (Completion c : completions) {
                if (!complete(c.id(), owner, c.messageIds(), now)) {
                    notCompleted.add(c.id());
                }
            }
        }
        return notCompleted;
    }

    @Override
    public boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(state, "state");
        synchronized (lock) {
            Row row = inFlightUnder(id, owner);
            if (row == null) {
                return false;
            }
            row.delivery = withState(row.delivery, DeliveryStatus.IN_FLIGHT, state, now, row.delivery.nextAttemptAt());
            return true;
        }
    }

    /** One lock for the whole batch: no other write lands between its attempts. */
    @Override
    public Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
        synchronized (lock) {
            return RetryStore.super.recordAttemptAll(attempts, owner, now);
        }
    }

    @Override
    public boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        synchronized (lock) {
            Row row = inFlightUnder(id, owner);
            if (row == null) {
                return false;
            }
            releaseLease(row);
            row.delivery = withState(row.delivery, DeliveryStatus.PENDING, state, now, nextAttemptAt);
            waitingQueue(row).add(row);
            return true;
        }
    }

    @Override
    public boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(notifyLeaseUntil, "notifyLeaseUntil");
        synchronized (lock) {
            Row row = inFlightUnder(id, owner);
            if (row == null) {
                return false;
            }
            Delivery d = withState(row.delivery, DeliveryStatus.FAILED, state, now, null);
            finish(row, new Delivery(d.id(), d.request(), d.chatId(), d.status(), d.attempts(), d.deliveredItems(),
                    d.messageIds(), d.lastError(), d.lastErrorClass(), d.createdAt(), now, null, now, null));
            // the notification is owed; the failing worker holds it first
            row.leaseOwner = owner;
            row.leaseUntil = notifyLeaseUntil;
            return true;
        }
    }

    @Override
    public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lease, "lease");
        synchronized (lock) {
            List<Delivery> claimed = new ArrayList<>();
            for (Row row : failed) {
                if (claimed.size() >= max) {
                    break;
                }
                if (row.delivery.notifiedAt() == null && (row.leaseOwner == null || !row.leaseUntil.isAfter(now))) {
                    row.leaseOwner = lease.owner();
                    row.leaseUntil = lease.until();
                    claimed.add(row.delivery);
                }
            }
            return claimed;
        }
    }

    @Override
    public boolean markNotified(DeliveryId id, String owner, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            Row row = rows.get(id);
            if (row == null || row.delivery.status() != DeliveryStatus.FAILED || row.delivery.notifiedAt() != null
                    || !row.leasedBy(owner)) {
                return false;
            }
            Delivery d = row.delivery;
            row.delivery = new Delivery(d.id(), d.request(), d.chatId(), d.status(), d.attempts(), d.deliveredItems(),
                    d.messageIds(), d.lastError(), d.lastErrorClass(), d.createdAt(), now, null, d.finishedAt(), now);
            row.leaseOwner = null;
            row.leaseUntil = null;
            return true;
        }
    }

    @Override
    public boolean cancel(DeliveryId id, String owner, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            Row row = rows.get(id);
            if (row == null) {
                return false;
            }
            DeliveryStatus status = row.delivery.status();
            boolean mayCancel = status == DeliveryStatus.PENDING
                    || (status == DeliveryStatus.IN_FLIGHT && (owner != null ? row.leasedBy(owner) : !row.leaseUntil.isAfter(now)));
            if (!mayCancel) {
                return false;
            }
            waitingQueue(row).remove(row);
            Delivery d = row.delivery;
            finish(row, new Delivery(d.id(), d.request(), d.chatId(), DeliveryStatus.CANCELLED, d.attempts(),
                    d.deliveredItems(), d.messageIds(), d.lastError(), d.lastErrorClass(), d.createdAt(), now, null, now,
                    d.notifiedAt()));
            return true;
        }
    }

    @Override
    public boolean redeliver(DeliveryId id, Instant now) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(now, "now");
        synchronized (lock) {
            Row row = rows.get(id);
            if (row == null || row.delivery.status() != DeliveryStatus.FAILED) {
                return false;
            }
            failed.remove(row);
            finishedOrder.remove(row);
            row.leaseOwner = null;
            row.leaseUntil = null;
            Delivery d = row.delivery;
            row.delivery = new Delivery(d.id(), d.request(), d.chatId(), DeliveryStatus.PENDING, 0, d.deliveredItems(),
                    d.messageIds(), d.lastError(), d.lastErrorClass(), d.createdAt(), now, now, null, null);
            String orderingKey = d.request().orderingKey();
            if (orderingKey != null) {
                unfinishedByOrderingKey.computeIfAbsent(orderingKey, k -> new TreeSet<>(Row.BY_CREATION)).add(row);
            }
            waitingQueue(row).add(row);
            return true;
        }
    }

    @Override
    public Optional<Delivery> find(DeliveryId id) {
        Objects.requireNonNull(id, "id");
        synchronized (lock) {
            return Optional.ofNullable(rows.get(id)).map(r -> r.delivery);
        }
    }

    @Override
    public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (lock) {
            return Optional.ofNullable(byKey.get(key)).map(r -> r.delivery);
        }
    }

    @Override
    public QueueSummary summary() {
        synchronized (lock) {
            Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
            Instant oldest = null;
            for (Row row : rows.values()) {
                DeliveryStatus status = row.delivery.status();
                counts.merge(status, 1L, Long::sum);
                if (!status.isFinal() && (oldest == null || row.delivery.createdAt().isBefore(oldest))) {
                    oldest = row.delivery.createdAt();
                }
            }
            return new QueueSummary(counts, oldest);
        }
    }

    @Override
    public List<Delivery> recentFailures(int limit) {
        synchronized (lock) {
            return failed.stream().limit(limit).map(r -> r.delivery).toList();
        }
    }

    // ---- internals (all called with the lock held) -------------------------------------------------------------

    private TreeSet<Row> waitingQueue(Row row) {
        return waiting.get(row.delivery.request().priority());
    }

    private boolean isFirstOfItsOrderingKey(Row row) {
        String key = row.delivery.request().orderingKey();
        return key == null || unfinishedByOrderingKey.get(key).first() == row;
    }

    private void takeLease(Row row, Lease lease, Instant now) {
        row.delivery = row.delivery.withStatus(DeliveryStatus.IN_FLIGHT, now);
        row.leaseOwner = lease.owner();
        row.leaseUntil = lease.until();
        leased.add(row);
    }

    private void releaseLease(Row row) {
        if (row.leaseUntil != null) {
            // a row without a lease is not in the index, and the index's comparator cannot place it (found by the
            // engine's model test: cancelling a PENDING delivery while another one was leased threw)
            leased.remove(row);
        }
        row.leaseOwner = null;
        row.leaseUntil = null;
    }

    /** An IN_FLIGHT delivery whose lease ended is claimable again: it goes back to its due-time index. */
    private void returnExpiredLeases(Instant now) {
        while (!leased.isEmpty() && !leased.first().leaseUntil.isAfter(now)) {
            Row row = leased.pollFirst();
            row.leaseOwner = null;
            row.leaseUntil = null;
            row.delivery = row.delivery.withStatus(DeliveryStatus.PENDING, row.delivery.updatedAt());
            waitingQueue(row).add(row);
        }
    }

    private Row inFlightUnder(DeliveryId id, String owner) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Row row = rows.get(id);
        if (row == null || row.delivery.status() != DeliveryStatus.IN_FLIGHT || !row.leasedBy(owner)) {
            return null;
        }
        return row;
    }

    private void finish(Row row, Delivery finished) {
        releaseLease(row);
        row.delivery = finished;
        String orderingKey = finished.request().orderingKey();
        if (orderingKey != null) {
            TreeSet<Row> unfinished = unfinishedByOrderingKey.get(orderingKey);
            unfinished.remove(row);
            if (unfinished.isEmpty()) {
                unfinishedByOrderingKey.remove(orderingKey);
            }
        }
        if (finished.status() == DeliveryStatus.FAILED) {
            failed.add(row);
        }
        finishedOrder.add(row);
        if (finishedOrder.size() > maxFinished) {
            forgetOldestFinished(finishedOrder.size() - maxFinished, null);
        }
    }

    /** Forgets up to {@code max} finished rows, oldest first, that finished before {@code before} (null: any). */
    private int forgetOldestFinished(int max, Instant before) {
        int forgotten = 0;
        for (Iterator<Row> it = finishedOrder.iterator(); it.hasNext() && forgotten < max; ) {
            Row row = it.next();
            Delivery d = row.delivery;
            if (before != null && !d.finishedAt().isBefore(before)) {
                break;
            }
            if (d.status() == DeliveryStatus.FAILED && d.notifiedAt() == null) {
                continue;
            }
            it.remove();
            failed.remove(row);
            rows.remove(d.id());
            byKey.remove(d.request().idempotencyKey());
            forgotten++;
        }
        return forgotten;
    }

    @Override
    public int purgeFinished(Instant finishedBefore, int max) {
        Objects.requireNonNull(finishedBefore, "finishedBefore");
        synchronized (lock) {
            return forgetOldestFinished(max, finishedBefore);
        }
    }

    private static Delivery withState(Delivery d, DeliveryStatus status, AttemptState s, Instant now, Instant next) {
        return new Delivery(d.id(), d.request(), s.chatId(), status, s.attempts(), s.deliveredItems(), s.messageIds(),
                s.lastError(), s.lastErrorClass(), d.createdAt(), now, next, d.finishedAt(), d.notifiedAt(), s.sendStarted());
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryRetryStore[" + rows.size() + " deliveries]";
        }
    }
}
