package io.botdelivery.bench.scenario;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStore;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RetryStore} that writes every lease it grants this instance, and every write that ends one, to the
 * {@link EventLog}: the coordinator checks from these that no delivery was ever leased to two instances at once.
 * Everything else passes through unchanged.
 */
final class LoggedRetryStore implements RetryStore {
    private final RetryStore delegate;
    private final EventLog log;

    LoggedRetryStore(RetryStore delegate, EventLog log) {
        this.delegate = delegate;
        this.log = log;
    }

    @Override
    public Saved save(Delivery delivery, Lease lease) {
        long start = log.nowMicros();
        Saved saved = delegate.save(delivery, lease);
        if (saved.leased()) {
            log.claim(saved.delivery().id().toString(), EventLog.micros(lease.until()), start);
        }
        return saved;
    }

    /** Leases nothing, so there is nothing to log. */
    @Override
    public List<Saved> saveAll(List<Delivery> deliveries) {
        return delegate.saveAll(deliveries);
    }

    @Override
    public List<Delivery> claimDue(Instant now, int max, Lease lease) {
        long start = log.nowMicros();
        List<Delivery> claimed = delegate.claimDue(now, max, lease);
        for (Delivery d : claimed) {
            log.claim(d.id().toString(), EventLog.micros(lease.until()), start);
        }
        return claimed;
    }

    @Override
    public Set<DeliveryId> renewLeases(Collection<DeliveryId> ids, Lease lease) {
        long start = log.nowMicros();
        Set<DeliveryId> kept = delegate.renewLeases(ids, lease);
        for (DeliveryId id : kept) {
            log.renew(id.toString(), EventLog.micros(lease.until()), start);
        }
        return kept;
    }

    @Override
    public boolean complete(DeliveryId id, String owner, List<Long> messageIds, Instant now) {
        long start = log.nowMicros();
        boolean ok = delegate.complete(id, owner, messageIds, now);
        log.release("complete", id.toString(), ok, start);
        return ok;
    }

    @Override
    public boolean recordAttempt(DeliveryId id, String owner, AttemptState state, Instant now) {
        return delegate.recordAttempt(id, owner, state, now);
    }

    /** Ends no lease, so passes through as one batch, as the engine's send-started marks reach the store. */
    @Override
    public Set<DeliveryId> recordAttemptAll(List<Attempt> attempts, String owner, Instant now) {
        return delegate.recordAttemptAll(attempts, owner, now);
    }

    @Override
    public boolean reschedule(DeliveryId id, String owner, AttemptState state, Instant nextAttemptAt, Instant now) {
        long start = log.nowMicros();
        boolean ok = delegate.reschedule(id, owner, state, nextAttemptAt, now);
        log.release("reschedule", id.toString(), ok, start);
        return ok;
    }

    @Override
    public boolean fail(DeliveryId id, String owner, AttemptState state, Instant now, Instant notifyLeaseUntil) {
        long start = log.nowMicros();
        boolean ok = delegate.fail(id, owner, state, now, notifyLeaseUntil);
        log.release("fail", id.toString(), ok, start);
        return ok;
    }

    @Override
    public List<Delivery> claimUnnotified(Instant now, int max, Lease lease) {
        return delegate.claimUnnotified(now, max, lease);
    }

    @Override
    public boolean markNotified(DeliveryId id, String owner, Instant now) {
        return delegate.markNotified(id, owner, now);
    }

    @Override
    public boolean cancel(DeliveryId id, String owner, Instant now) {
        long start = log.nowMicros();
        boolean ok = delegate.cancel(id, owner, now);
        if (owner != null) {
            log.release("cancel", id.toString(), ok, start);
        }
        return ok;
    }

    @Override
    public boolean redeliver(DeliveryId id, Instant now) {
        return delegate.redeliver(id, now);
    }

    @Override
    public Optional<Delivery> find(DeliveryId id) {
        return delegate.find(id);
    }

    @Override
    public List<Delivery> findAll(Collection<DeliveryId> ids) {
        return delegate.findAll(ids);
    }

    @Override
    public List<Delivery> findFinal(Collection<DeliveryId> ids) {
        return delegate.findFinal(ids);
    }

    @Override
    public int purgeFinished(Instant finishedBefore, int max) {
        return delegate.purgeFinished(finishedBefore, max);
    }

    @Override
    public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        return delegate.findByIdempotencyKey(key);
    }

    @Override
    public QueueSummary summary() {
        return delegate.summary();
    }

    @Override
    public List<Delivery> recentFailures(int limit) {
        return delegate.recentFailures(limit);
    }
}
