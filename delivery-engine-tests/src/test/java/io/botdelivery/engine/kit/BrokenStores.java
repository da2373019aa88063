package io.botdelivery.engine.kit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.RetryStoreContract;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Deliberately broken stores, each the contract kit run against it. They are not run by the build directly (their
 * names do not end in Test); {@link ContractKitsCatchBrokenAdaptersTest} runs them and expects failures.
 */
final class BrokenStores {
    private BrokenStores() {
    }

    /** Forwards everything to a correct store; subclasses break one thing. */
    static class Forwarding implements RetryStore {
        final RetryStore d = new InMemoryRetryStore();

        public Saved save(Delivery delivery, Lease lease) { return d.save(delivery, lease); }
        public List<Saved> saveAll(List<Delivery> deliveries) { return d.saveAll(deliveries); }
        public List<Delivery> claimDue(Instant now, int max, Lease lease) { return d.claimDue(now, max, lease); }
        public Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease) { return d.renewLeases(ids, lease); }
        public boolean complete(DeliveryId id, String owner, List<Long> ids, Instant now) { return d.complete(id, owner, ids, now); }
        public boolean recordAttempt(DeliveryId id, String owner, AttemptState s, Instant now) { return d.recordAttempt(id, owner, s, now); }
        public boolean reschedule(DeliveryId id, String owner, AttemptState s, Instant next, Instant now) { return d.reschedule(id, owner, s, next, now); }
        public boolean fail(DeliveryId id, String owner, AttemptState s, Instant now, Instant until) { return d.fail(id, owner, s, now, until); }
        public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) { return d.claimUnnotified(now, max, lease); }
        public boolean markNotified(DeliveryId id, String owner, Instant now) { return d.markNotified(id, owner, now); }
        public boolean cancel(DeliveryId id, String owner, Instant now) { return d.cancel(id, owner, now); }
        public boolean redeliver(DeliveryId id, Instant now) { return d.redeliver(id, now); }
        public Optional<Delivery> find(DeliveryId id) { return d.find(id); }
        public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) { return d.findByIdempotencyKey(key); }
        public QueueSummary summary() { return d.summary(); }
        public List<Delivery> recentFailures(int limit) { return d.recentFailures(limit); }
        public int purgeFinished(Instant before, int max) { return d.purgeFinished(before, max); }
    }

    /** Hands out leased deliveries again, as a store without row locks would. */
    static final class IgnoresLeases extends Forwarding {
        private final Map<DeliveryId, Delivery> everClaimed = new LinkedHashMap<>();

        @Override
        public synchronized List<Delivery> claimDue(Instant now, int max, Lease lease) {
            List<Delivery> result = new ArrayList<>(d.claimDue(now, max, lease));
            result.forEach(x -> everClaimed.put(x.id(), x));
            for (Delivery x : everClaimed.values()) {
                if (result.size() < max && !result.contains(x) && d.find(x.id()).map(Delivery::status).orElse(null) == DeliveryStatus.IN_FLIGHT) {
                    result.add(x);
                }
            }
            return result;
        }
    }

    /** Stores a second delivery for a repeated idempotency key. */
    static final class DuplicatesKeys extends Forwarding {
        @Override
        public Saved save(Delivery delivery, Lease lease) {
            if (d.findByIdempotencyKey(delivery.request().idempotencyKey()).isPresent()) {
                Delivery copy = new Delivery(delivery.id(), delivery.request().toBuilder()
                        .idempotencyKey(delivery.request().idempotencyKey().value() + "#again").build(), delivery.chatId(),
                        delivery.status(), 0, 0, List.of(), null, null, delivery.createdAt(), delivery.updatedAt(),
                        delivery.nextAttemptAt(), null, null);
                return d.save(copy, lease);
            }
            return d.save(delivery, lease);
        }
    }

    /** Lets a worker that lost its lease overwrite the result. */
    static final class IgnoresOwner extends Forwarding {
        @Override
        public boolean complete(DeliveryId id, String owner, List<Long> ids, Instant now) {
            return d.complete(id, owner, ids, now) || d.find(id).filter(x -> x.status() == DeliveryStatus.IN_FLIGHT).isPresent();
        }
    }

    static class IgnoresLeasesKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresLeases();
        }
    }

    static class DuplicatesKeysKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new DuplicatesKeys();
        }
    }

    static class IgnoresOwnerKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresOwner();
        }
    }

    /** Leases for 30 s whatever it is given, as a store with a hard-coded lease length would. */
    static final class IgnoresLeaseLength extends Forwarding {
        private static Lease thirtySeconds(Lease lease, Instant from) {
            return lease == null ? null : new Lease(lease.owner(), from.plusSeconds(30));
        }

        @Override
        public Saved save(Delivery delivery, Lease lease) {
            return d.save(delivery, thirtySeconds(lease, delivery.createdAt()));
        }

        @Override
        public List<Delivery> claimDue(Instant now, int max, Lease lease) {
            return d.claimDue(now, max, thirtySeconds(lease, now));
        }
    }

    /** Renews every lease to 30 s after its own wall clock, not to the {@code until} it is given. */
    static final class IgnoresRenewLength extends Forwarding {
        @Override
        public Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease) {
            return d.renewLeases(ids, new Lease(lease.owner(), Instant.now().plusSeconds(30)));
        }
    }

    /** Keeps the failing worker's alert lease as long as a claim's, not the {@code notifyLeaseUntil} it is given. */
    static final class IgnoresNotifyLease extends Forwarding {
        @Override
        public boolean fail(DeliveryId id, String owner, AttemptState s, Instant now, Instant until) {
            return d.fail(id, owner, s, now, now.plusSeconds(30));
        }
    }

    /** Keeps instants to {@code unit} only, as a DATETIME column or an epoch-millis field would. */
    static class TruncatesInstants extends Forwarding {
        private final ChronoUnit unit;

        TruncatesInstants(ChronoUnit unit) {
            this.unit = unit;
        }

        private Instant t(Instant i) {
            return i == null ? null : i.truncatedTo(unit);
        }

        @Override
        public Saved save(Delivery x, Lease lease) {
            return d.save(new Delivery(x.id(), x.request(), x.chatId(), x.status(), x.attempts(), x.deliveredItems(),
                    x.messageIds(), x.lastError(), x.lastErrorClass(), t(x.createdAt()), t(x.updatedAt()),
                    t(x.nextAttemptAt()), null, null), lease);
        }

        @Override
        public boolean complete(DeliveryId id, String owner, List<Long> ids, Instant now) { return d.complete(id, owner, ids, t(now)); }

        @Override
        public boolean recordAttempt(DeliveryId id, String owner, AttemptState s, Instant now) { return d.recordAttempt(id, owner, s, t(now)); }

        @Override
        public boolean reschedule(DeliveryId id, String owner, AttemptState s, Instant next, Instant now) {
            return d.reschedule(id, owner, s, t(next), t(now));
        }

        @Override
        public boolean fail(DeliveryId id, String owner, AttemptState s, Instant now, Instant until) { return d.fail(id, owner, s, t(now), until); }

        @Override
        public boolean markNotified(DeliveryId id, String owner, Instant now) { return d.markNotified(id, owner, t(now)); }
    }

    /** Stores an album's items without their own parse modes, as a codec writing only the album's caption would. */
    static final class LosesItemParseModes extends Forwarding {
        @Override
        public Saved save(Delivery x, Lease lease) {
            DeliveryRequest r = x.request();
            if (!(r.payload() instanceof Payload.Album album)) {
                return d.save(x, lease);
            }
            Payload.Album plain = new Payload.Album(album.items().stream()
                    .map(i -> i.withCaption(i.caption(), ParseMode.PLAIN)).toList(), album.options());
            DeliveryRequest changed = new DeliveryRequest(r.chatId(), plain, r.idempotencyKey(), r.priority(),
                    r.onAmbiguous(), r.businessReference(), r.orderingKey(), r.allowPaidBroadcast());
            return d.save(new Delivery(x.id(), changed, x.chatId(), x.status(), x.attempts(), x.deliveredItems(),
                    x.messageIds(), x.lastError(), x.lastErrorClass(), x.createdAt(), x.updatedAt(), x.nextAttemptAt(),
                    null, null), lease);
        }
    }

    /** Hands out every owed alert, however few were asked for. */
    static final class IgnoresMaxOfAlerts extends Forwarding {
        @Override
        public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) {
            return d.claimUnnotified(now, Integer.MAX_VALUE, lease);
        }
    }

    /** Answers "nothing due" to a null time instead of refusing it, hiding the caller's bug. */
    static final class LenientWithNulls extends Forwarding {
        @Override
        public List<Delivery> claimDue(Instant now, int max, Lease lease) {
            return now == null ? List.of() : d.claimDue(now, max, lease);
        }
    }

    /** Reports its storage being down as IllegalStateException, so the engine takes an outage for a bug. */
    static final class OutageAsIllegalState extends Forwarding {
        volatile boolean down;

        private <T> T up(Supplier<T> call) {
            if (down) {
                throw new IllegalStateException("Connection refused");
            }
            return call.get();
        }

        @Override
        public Saved save(Delivery delivery, Lease lease) { return up(() -> d.save(delivery, lease)); }

        @Override
        public List<Delivery> claimDue(Instant now, int max, Lease lease) { return up(() -> d.claimDue(now, max, lease)); }

        @Override
        public boolean complete(DeliveryId id, String owner, List<Long> ids, Instant now) { return up(() -> d.complete(id, owner, ids, now)); }

        @Override
        public Optional<Delivery> find(DeliveryId id) { return up(() -> d.find(id)); }

        @Override
        public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) { return up(() -> d.claimUnnotified(now, max, lease)); }

        @Override
        public QueueSummary summary() { return up(d::summary); }

        @Override
        public int purgeFinished(Instant before, int max) { return up(() -> d.purgeFinished(before, max)); }
    }

    /**
     * Never returns from {@code purgeFinished} and ignores interrupts, as a store stuck in a socket read without a
     * timeout does. Bounded at ten minutes so a leaked thread cannot outlive a test run by much.
     */
    static final class HangsOnPurge extends Forwarding {
        @Override
        public int purgeFinished(Instant before, int max) {
            java.util.Objects.requireNonNull(before, "finishedBefore");
            long until = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                Thread.interrupted();
            }
            return d.purgeFinished(before, max);
        }
    }

    static class HangsOnPurgeKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new HangsOnPurge();
        }
    }

    /** A copy of {@code x} under another idempotency key, as a store that never looked the key up would keep. */
    private static Delivery underKey(Delivery x, String key) {
        return new Delivery(x.id(), x.request().toBuilder().idempotencyKey(key).build(), x.chatId(), x.status(), 0, 0,
                List.of(), null, null, x.createdAt(), x.updatedAt(), x.nextAttemptAt(), null, null);
    }

    /** A batch insert that only checks keys against each other, not against what is stored (no unique index). */
    static final class IgnoresStoredKeysInBatch extends Forwarding {
        @Override
        public List<Saved> saveAll(List<Delivery> deliveries) {
            return d.saveAll(deliveries.stream().map(x -> d.findByIdempotencyKey(x.request().idempotencyKey()).isPresent()
                    ? underKey(x, x.request().idempotencyKey().value() + "#again") : x).toList());
        }
    }

    /** A batch insert that stores a key repeated inside the batch once per occurrence. */
    static final class RepeatsKeysInsideBatch extends Forwarding {
        @Override
        public List<Saved> saveAll(List<Delivery> deliveries) {
            Set<IdempotencyKey> seen = new java.util.HashSet<>();
            return d.saveAll(deliveries.stream().map(x -> seen.add(x.request().idempotencyKey()) ? x
                    : underKey(x, x.request().idempotencyKey().value() + "#" + seen.size())).toList());
        }
    }

    /** Inserts a batch in reverse (say, rows sorted by a hash) and answers in the order given: claims come reversed. */
    static final class InsertsBatchReversed extends Forwarding {
        @Override
        public List<Saved> saveAll(List<Delivery> deliveries) {
            List<Delivery> reversed = new ArrayList<>(deliveries);
            java.util.Collections.reverse(reversed);
            List<Saved> answers = new ArrayList<>(d.saveAll(reversed));
            java.util.Collections.reverse(answers);
            return answers;
        }
    }

    /** Stores the batch's deliveries up to the first null, then throws: half a batch stored for a caller's bug. */
    static final class StoresUpToNull extends Forwarding {
        @Override
        public List<Saved> saveAll(List<Delivery> deliveries) {
            List<Saved> answers = new ArrayList<>();
            for (Delivery x : deliveries) {
                answers.add(d.save(java.util.Objects.requireNonNull(x, "delivery"), null));
            }
            return answers;
        }
    }

    /** A batched completion in one transaction that gives up on the first lost lease: the rest stay leased. */
    static final class StopsBatchAtLostLease extends Forwarding {
        @Override
        public Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
            java.util.Objects.requireNonNull(completions, "completions");
            Set<DeliveryId> notCompleted = new java.util.LinkedHashSet<>();
            for (Completion c : completions) {
                if (!notCompleted.isEmpty() || !d.complete(c.id(), owner, c.messageIds(), now)) {
                    notCompleted.add(c.id());
                }
            }
            return notCompleted;
        }
    }

    /** A batched completion that counts rows changed instead of saying which: it answers none as lost. */
    static final class ReportsNoLostLease extends Forwarding {
        @Override
        public Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
            d.completeAll(completions, owner, now);
            return Set.of();
        }
    }

    /** Completes the batch up to the first null, or the first repeated id, then throws. */
    static final class CompletesUpToBadElement extends Forwarding {
        @Override
        public Set<DeliveryId> completeAll(List<Completion> completions, String owner, Instant now) {
            java.util.Objects.requireNonNull(owner, "owner");
            java.util.Objects.requireNonNull(now, "now");
            Set<DeliveryId> seen = new java.util.HashSet<>();
            Set<DeliveryId> notCompleted = new java.util.LinkedHashSet<>();
            for (Completion c : completions) {
                if (!seen.add(java.util.Objects.requireNonNull(c, "completion").id())) {
                    throw new IllegalArgumentException("repeated id " + c.id());
                }
                if (!d.complete(c.id(), owner, c.messageIds(), now)) {
                    notCompleted.add(c.id());
                }
            }
            return notCompleted;
        }
    }

    /** A batch of attempts in one transaction that gives up on the first lost lease: the rest go unrecorded. */
    static final class StopsAttemptBatchAtLostLease extends Forwarding {
        @Override
        public Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
            io.botdelivery.core.spi.LeasedWrites.checkBatch(attempts, owner, now);
            Set<DeliveryId> notRecorded = new java.util.LinkedHashSet<>();
            for (Attempt a : attempts) {
                if (!notRecorded.isEmpty() || !d.recordAttempt(a.id(), owner, a.state(), now)) {
                    notRecorded.add(a.id());
                }
            }
            return notRecorded;
        }
    }

    /** A batched statement that leaves the send_started column out: the "send started" mark is never written. */
    static final class DropsSendStartedInBatch extends Forwarding {
        @Override
        public Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
            return d.recordAttemptAll(attempts.stream().map(a -> new Attempt(a.id(), a.state().withSendStarted(false))).toList(),
                    owner, now);
        }
    }

    /** A batch of attempts checked only for its owner: a repeated id writes its second state over the first. */
    static final class RecordsRepeatedIdsInBatch extends Forwarding {
        @Override
        public Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
            java.util.Objects.requireNonNull(owner, "owner");
            java.util.Objects.requireNonNull(now, "now");
            Set<DeliveryId> notRecorded = new java.util.LinkedHashSet<>();
            attempts.stream().filter(java.util.Objects::nonNull).filter(a -> !d.recordAttempt(a.id(), owner, a.state(), now))
                    .forEach(a -> notRecorded.add(a.id()));
            return notRecorded;
        }
    }

    static class StopsAttemptBatchAtLostLeaseKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new StopsAttemptBatchAtLostLease();
        }
    }

    static class DropsSendStartedInBatchKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new DropsSendStartedInBatch();
        }
    }

    static class RecordsRepeatedIdsInBatchKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new RecordsRepeatedIdsInBatch();
        }
    }

    static class StopsBatchAtLostLeaseKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new StopsBatchAtLostLease();
        }
    }

    static class ReportsNoLostLeaseKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new ReportsNoLostLease();
        }
    }

    static class CompletesUpToBadElementKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new CompletesUpToBadElement();
        }
    }

    static class IgnoresStoredKeysInBatchKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresStoredKeysInBatch();
        }
    }

    static class RepeatsKeysInsideBatchKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new RepeatsKeysInsideBatch();
        }
    }

    static class InsertsBatchReversedKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new InsertsBatchReversed();
        }
    }

    static class StoresUpToNullKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new StoresUpToNull();
        }
    }

    static class IgnoresLeaseLengthKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresLeaseLength();
        }
    }

    static class IgnoresRenewLengthKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresRenewLength();
        }
    }

    static class IgnoresNotifyLeaseKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresNotifyLease();
        }
    }

    static class TruncatesToMillisKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new TruncatesInstants(ChronoUnit.MILLIS);
        }
    }

    static class TruncatesToSecondsKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new TruncatesInstants(ChronoUnit.SECONDS);
        }
    }

    static class LosesItemParseModesKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new LosesItemParseModes();
        }
    }

    static class IgnoresMaxOfAlertsKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new IgnoresMaxOfAlerts();
        }
    }

    static class LenientWithNullsKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new LenientWithNulls();
        }
    }

    static class OutageAsIllegalStateKit extends RetryStoreContract {
        @Override
        protected RetryStore createStore(Clock clock) {
            return new OutageAsIllegalState();
        }

        @Override
        protected AutoCloseable makeStorageUnreachable() {
            OutageAsIllegalState broken = (OutageAsIllegalState) store;
            broken.down = true;
            return () -> broken.down = false;
        }
    }
}
