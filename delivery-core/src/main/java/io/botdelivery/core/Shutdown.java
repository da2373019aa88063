package io.botdelivery.core;

import io.botdelivery.core.spi.AttemptState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link DeliveryEngine#close()} does once the engine is marked closing: stops the poller, waits up to
 * {@code shutdownGrace} for sends on the wire, hands every other held delivery back to the store (due when it would
 * have been; a cancel the store had not taken yet is tried once more), stops the alerts, completes every caller's
 * future still pending, and shuts down the schedulers the engine owns. Every store call here is guarded: a delivery
 * that cannot be handed back keeps its lease until it expires, and another instance takes it over.
 *
 * <p><b>Locking.</b> No state of its own; held state is emptied under the engine lock, ports are called without it.
 */
final class Shutdown {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private final EngineContext ctx;
    private final Poller poller;
    private final Dispatcher dispatcher;
    private final AlertDispatcher alerts;
    private final CallerFutures futures;
    /** Schedulers the builder created: shut down last, after every write that may run on them. */
    private final List<ThreadPoolTaskScheduler> owned;

    Shutdown(EngineContext ctx, Poller poller, Dispatcher dispatcher, AlertDispatcher alerts, CallerFutures futures,
             List<ThreadPoolTaskScheduler> owned) {
        this.ctx = ctx;
        this.poller = poller;
        this.dispatcher = dispatcher;
        this.alerts = alerts;
        this.futures = futures;
        this.owned = List.copyOf(owned);
    }

    /** Runs the shutdown; the caller has marked the engine closing, so no new work starts meanwhile. */
    void run() {
        poller.stop();
        int onTheWire = dispatcher.awaitSendsEnded(ctx.config.shutdownGrace());
        if (onTheWire > 0) {
            log.warn("{} send(s) still on the wire after the grace period; their leases will expire", onTheWire);
        }
        int released = handBackHeld();
        alerts.stop();
        futures.closeAll(id -> {
            try {
                return ctx.store.find(id);
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
        for (ThreadPoolTaskScheduler s : owned) {
            try {
                s.shutdown(ctx.config.shutdownGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("delivery engine {} stopped; {} held deliveries handed back to the store", ctx.workerId(), released);
    }

    /** Empties memory of everything not on the wire and writes each back; returns how many the store took. */
    private int handBackHeld() {
        record Handback(HeldDelivery h, Instant due, boolean cancel) {
        }
        List<Handback> handbacks = new ArrayList<>();
        Instant now = ctx.now();
        synchronized (ctx.lock()) {
            for (HeldDelivery h : ctx.holdings.all()) {
                if (!h.sendingNow) {
                    handbacks.add(new Handback(h, h.waitingUntil != null ? h.waitingUntil : now, h.cancelPending));
                    h.cancelled = true;
                    h.cancelTimer();
                    ctx.holdings.unhold(h.id());
                    ctx.lanes.remove(h);
                }
            }
            ctx.ready.clear();
        }
        int released = 0;
        for (Handback b : handbacks) {
            try {
                boolean done = b.cancel() ? ctx.store.cancel(b.h().id(), ctx.workerId(), now)
                        : ctx.store.reschedule(b.h().id(), ctx.workerId(), AttemptState.of(b.h().delivery()), b.due(), now);
                released += done ? 1 : 0;
            } catch (RuntimeException e) {
                log.warn("could not hand delivery {} back ({}); its lease will expire", b.h().id(), e.toString());
            }
        }
        return released;
    }
}
