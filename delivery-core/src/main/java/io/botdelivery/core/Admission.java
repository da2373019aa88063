package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.RetryStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Takes a submitted request in: saves it before anything else happens to it, leased to this engine when a place under
 * {@code maxBuffered} is free (then it is dispatched at once), otherwise left PENDING for whichever instance claims it
 * first. A repeated idempotency key answers with the delivery already stored and its future. A batch
 * ({@link #submitAll}) is saved PENDING in one {@code saveAll} and claimed by the next poll round, which takes only
 * what fits under {@code maxBuffered}: a batch of 100,000 never floods this instance's memory.
 *
 * <p><b>Locking.</b> No state of its own. The place is reserved under the engine lock before the store round trip and
 * given back after it, so concurrent submitters cannot all take the last one; the store is called without the lock.
 * A batch reserves no place (nothing of it is leased on save) and takes no lock.
 */
final class Admission {
    private final EngineContext ctx;
    private final Object lock;
    private final Poller poller;
    private final CallerFutures futures;

    Admission(EngineContext ctx, Poller poller, CallerFutures futures) {
        this.ctx = ctx;
        this.lock = ctx.lock();
        this.poller = poller;
        this.futures = futures;
    }

    /** See {@link DeliveryEngine#submit}: a store failure reaches the caller; the room reserved is given back. */
    Submission submit(DeliveryRequest request) {
        Objects.requireNonNull(request, "request");
        if (ctx.closing()) {
            throw new IllegalStateException("the delivery engine is shutting down; nothing was stored");
        }
        Instant now = ctx.now();
        Delivery fresh = Delivery.accepted(DeliveryId.random(), request, now);
        boolean paid = request.allowPaidBroadcast();
        boolean room;
        synchronized (lock) {
            room = poller.started() && !ctx.closing() && ctx.holdings.reserveRoom(paid);
        }
        try {
            RetryStore.Saved saved = ctx.store.save(fresh, room ? ctx.lease(now) : null);
            if (!saved.created()) {
                return new Submission(saved.delivery().id(), false, futures.futureFor(saved.delivery()));
            }
            ctx.metrics.submitted.increment();
            CompletableFuture<Delivery> outcome = futures.futureFor(saved.delivery());
            if (saved.leased()) {
                poller.adopt(List.of(saved.delivery()));
            } else if (room) {
                // there was room, yet the store left it PENDING: a poll round claims it
                poller.wake();
            }
            return new Submission(fresh.id(), true, outcome);
        } finally {
            if (room) {
                synchronized (lock) {
                    // held now (adopt took a place of its own) or not leased: either way the reservation is done
                    ctx.holdings.releaseRoom(paid);
                }
            }
        }
    }

    /**
     * See {@link DeliveryEngine#submitAll}: every request is checked before anything is stored; a store failure
     * reaches the caller (deliveries of earlier chunks may be stored; repeating the call is safe).
     */
    List<Submission> submitAll(List<DeliveryRequest> requests) {
        List<DeliveryRequest> batch = checked(requests);
        if (ctx.closing()) {
            throw new IllegalStateException("the delivery engine is shutting down; nothing was stored");
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        Instant now = ctx.now();
        List<Delivery> fresh = new ArrayList<>(batch.size());
        for (DeliveryRequest request : batch) {
            fresh.add(Delivery.accepted(DeliveryId.random(), request, now));
        }
        List<RetryStore.Saved> saved = ctx.store.saveAll(fresh);
        if (saved.size() != fresh.size()) {
            throw new IllegalStateException("the store answered " + saved.size() + " of " + fresh.size()
                    + " deliveries saved in one batch; its saveAll breaks the port's contract");
        }
        List<Submission> submissions = new ArrayList<>(saved.size());
        boolean created = false;
        for (RetryStore.Saved s : saved) {
            if (s.created()) {
                ctx.metrics.submitted.increment();
                created = true;
            }
            submissions.add(new Submission(s.delivery().id(), s.created(), futures.futureFor(s.delivery())));
        }
        if (created) {
            // stored PENDING: a poll round now claims what fits under maxBuffered, the rest waits in the store
            poller.wake();
        }
        return List.copyOf(submissions);
    }

    /** The batch, copied, or the first null request named by its index; nothing stored either way. */
    private static List<DeliveryRequest> checked(List<DeliveryRequest> requests) {
        Objects.requireNonNull(requests, "requests");
        List<DeliveryRequest> batch = new ArrayList<>(requests.size());
        for (DeliveryRequest r : requests) {
            if (r == null) {
                throw new InvalidDeliveryException("requests[" + batch.size() + "]",
                        "is required; nothing of the batch was stored");
            }
            batch.add(r);
        }
        return batch;
    }
}
