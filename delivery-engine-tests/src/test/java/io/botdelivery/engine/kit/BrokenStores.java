package io.botdelivery.engine.kit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.RetryStoreContract;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
}
