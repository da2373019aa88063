package io.botdelivery.core;

import io.botdelivery.api.DeliveryId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Cancels deliveries not on the wire. A delivery held here leaves its chat lane and its send slot at once, whatever the
 * store says, so a store that cannot record the cancel never holds the chat back; the cancel itself goes through
 * {@link DurableWrites}, retried with backoff until the store takes it, and the delivery stays held (not sent, its lease
 * renewed) only until then. A delivery not held here is cancelled in the store or not at all.
 *
 * <p><b>Locking.</b> No state of its own; a held delivery's flags, its lane and the holdings change under the engine
 * lock, and the store is called without it.
 */
final class Cancellation {
    private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

    private final EngineContext ctx;
    private final Object lock;
    private final Dispatcher dispatcher;
    private final DurableWrites writes;
    /** Reads a cancelled delivery back so that its caller's future completes (the facade's find). */
    private final Consumer<DeliveryId> readBack;

    Cancellation(EngineContext ctx, Dispatcher dispatcher, DurableWrites writes, Consumer<DeliveryId> readBack) {
        this.ctx = ctx;
        this.lock = ctx.lock();
        this.dispatcher = dispatcher;
        this.writes = writes;
        this.readBack = readBack;
    }

    /** See {@link DeliveryEngine#cancel}. */
    boolean cancel(DeliveryId id) {
        HeldDelivery h;
        synchronized (lock) {
            h = ctx.holdings.get(id);
            if (h != null) {
                if (h.sendingNow) {
                    return false;
                }
                if (h.cancelPending) {
                    return true;
                }
                h.cancelled = true;
                h.cancelPending = true;
                h.cancelTimer();
                dispatcher.releaseSlot(h);
                ctx.lanes.remove(h);
            }
        }
        if (h == null) {
            boolean cancelled = ctx.store.cancel(id, null, ctx.now());
            if (cancelled) {
                readBack.accept(id);
            }
            return cancelled;
        }
        // the chat's next delivery may go now
        dispatcher.pump();
        Instant now = ctx.now();
        boolean[] cancelled = {false};
        writes.persist("cancel delivery " + id, () -> ctx.store.cancel(id, ctx.workerId(), now), done -> {
            cancelled[0] = done;
            settled(h, done);
        });
        // when the store was down, the write above is being retried and the delivery stays held (not sent) until then
        return cancelled[0] || isPending(h);
    }

    private boolean isPending(HeldDelivery h) {
        synchronized (lock) {
            return h.cancelPending && ctx.holdings.holdsExactly(h);
        }
    }

    private void settled(HeldDelivery h, boolean cancelled) {
        synchronized (lock) {
            h.cancelPending = false;
            if (ctx.holdings.holdsExactly(h)) {
                ctx.holdings.unhold(h.id());
            }
        }
        if (cancelled) {
            try {
                readBack.accept(h.id());
            } catch (RuntimeException e) {
                log.debug("could not read cancelled delivery {} back; the poller completes its future", h.id(), e);
            }
        } else {
            log.warn("delivery {} was not cancelled: the store no longer lets this worker change it", h.id());
        }
    }
}
