package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.RetryStore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Takes a submitted request in: saves it before anything else happens to it, leased to this engine when a place under
 * {@code maxBuffered} is free (then it is dispatched at once), otherwise left PENDING for whichever instance claims it
 * first. A repeated idempotency key answers with the delivery already stored and its future.
 *
 * <p><b>Locking.</b> No state of its own. The place is reserved under the engine lock before the store round trip and
 * given back after it, so concurrent submitters cannot all take the last one; the store is called without the lock.
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
}
