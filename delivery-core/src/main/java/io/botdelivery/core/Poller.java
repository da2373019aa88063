package io.botdelivery.core;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.AttemptState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Takes work in and keeps it: every {@code pollInterval} (at once when woken) renews the leases on what this engine
 * holds, claims due deliveries into the room left under {@code maxBuffered}, asks the {@link AlertDispatcher} to claim
 * owed alerts (without waiting for it), checks a batch of callers' futures against the store, so that a delivery
 * finished by another instance completes its future here too, and every ten minutes purges finished deliveries older
 * than {@code finishedRetention}. Lease renewal comes first in every round and nothing in
 * a round waits for an alert.
 *
 * <p><b>Locking.</b> Its own fields are guarded by the engine lock; the store is called without it. Rounds may overlap
 * (a wake-up during the timed poll); every step is safe to repeat.
 */
final class Poller {
    private static final Logger log = LoggerFactory.getLogger(Poller.class);

    private final EngineContext ctx;
    private final Object lock;
    private final Dispatcher dispatcher;
    private final Settlement settlement;
    private final AlertDispatcher alerts;
    private final CallerFutures futures;
    /** Rows deleted per purge call: small enough that one call never holds the store long. */
    static final int PURGE_BATCH = 1000;
    private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    private Instant lastLeaseRenewal = Instant.MIN;
    private Instant nextPurgeAt = Instant.MIN;
    private Duration storeBackoff = Duration.ZERO;
    private TaskScheduler.Cancellable timer;
    private boolean started;

    Poller(EngineContext ctx, Dispatcher dispatcher, Settlement settlement, AlertDispatcher alerts, CallerFutures futures) {
        this.ctx = ctx;
        this.lock = ctx.lock();
        this.dispatcher = dispatcher;
        this.settlement = settlement;
        this.alerts = alerts;
        this.futures = futures;
    }

    /** Starts the timed rounds; false if already started. */
    boolean start() {
        synchronized (lock) {
            if (started) {
                return false;
            }
            started = true;
            timer = ctx.scheduler.schedule(Duration.ZERO, this::poll);
            return true;
        }
    }

    boolean started() {
        synchronized (lock) {
            return started;
        }
    }

    /** Stops the timed rounds (close()). */
    void stop() {
        synchronized (lock) {
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /** Runs a round now, on the scheduler: e.g. another instance released work. Harmless to call often. */
    void wake() {
        synchronized (lock) {
            if (!started || ctx.closing()) {
                return;
            }
        }
        ctx.scheduler.execute(() -> {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                log.warn("store unavailable ({}); the timed poll retries", e.toString());
            }
        });
    }

    private void poll() {
        Duration next = ctx.config.pollInterval();
        try {
            boolean more = pollOnce();
            storeBackoff = Duration.ZERO;
            if (more) {
                next = Duration.ZERO;
            }
        } catch (RuntimeException e) {
            Duration doubled = storeBackoff.multipliedBy(2);
            storeBackoff = storeBackoff.isZero() ? ctx.config.pollInterval()
                    : doubled.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : doubled;
            next = storeBackoff;
            log.warn("store unavailable ({}); deliveries in memory are kept, retrying in {}", e.toString(), next);
        }
        synchronized (lock) {
            if (ctx.closing()) {
                return;
            }
            timer = ctx.scheduler.schedule(next, this::poll);
        }
    }

    /** One round; returns whether a full batch was claimed (then the next round runs at once). */
    private boolean pollOnce() {
        Instant now = ctx.now();
        renewLeasesIfDue(now);
        int room;
        synchronized (lock) {
            if (ctx.closing()) {
                return false;
            }
            room = Math.min(ctx.config.claimBatch(), ctx.holdings.claimRoom());
        }
        boolean full = false;
        if (room > 0) {
            List<Delivery> claimed = ctx.store.claimDue(now, room, ctx.lease(now));
            full = claimed.size() == room;
            if (!claimed.isEmpty()) {
                adopt(claimed);
            }
        }
        alerts.claimOwed();
        sweepFutures();
        purgeIfDue(now);
        return full;
    }

    /** Retention: deletes finished deliveries older than finishedRetention, one batch per round until none is left. */
    private void purgeIfDue(Instant now) {
        synchronized (lock) {
            if (now.isBefore(nextPurgeAt)) {
                return;
            }
            nextPurgeAt = now.plus(PURGE_EVERY);
        }
        int purged = ctx.store.purgeFinished(now.minus(ctx.config.finishedRetention()), PURGE_BATCH);
        if (purged > 0) {
            log.info("purged {} deliveries finished more than {} ago", purged, ctx.config.finishedRetention());
        }
        if (purged == PURGE_BATCH) {
            synchronized (lock) {
                nextPurgeAt = now;
            }
        }
    }

    /** Completes the futures of deliveries that ended elsewhere (another instance, or a write retried late). */
    private void sweepFutures() {
        futures.sweep(ctx.config.claimBatch(), id -> {
            synchronized (lock) {
                return ctx.holdings.holds(id);
            }
        }, ids -> ctx.store.findFinal(ids));
    }

    /** Takes leased deliveries into memory: each joins its chat's lane, or goes back to the store if the lane is full. */
    void adopt(List<Delivery> leased) {
        List<HeldDelivery> overflow = new ArrayList<>();
        List<HeldDelivery> interrupted = new ArrayList<>();
        synchronized (lock) {
            for (Delivery d : leased) {
                HeldDelivery h = ctx.holdings.hold(d);
                if (h == null) {
                    continue;
                }
                if (d.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP && d.sendStarted()) {
                    interrupted.add(h);
                } else if (!ctx.lanes.join(h, ctx.config.maxQueuedPerChat())) {
                    overflow.add(h);
                }
            }
        }
        // a chat with a long backlog must not fill the whole buffer: the rest waits in the store
        Instant later = ctx.now().plus(ctx.config.maxInlineWait().dividedBy(2));
        for (HeldDelivery h : overflow) {
            settlement.release(h, AttemptState.of(h.delivery()), later);
        }
        for (HeldDelivery h : interrupted) {
            // its previous owner stopped while it was on the wire: it may have arrived, and GIVE_UP forbids a second send
            settlement.fail(h, OutcomePolicy.interruptedMidSend(h.delivery()).state());
        }
        dispatcher.pump();
    }

    private void renewLeasesIfDue(Instant now) {
        List<DeliveryId> ids;
        synchronized (lock) {
            if (Duration.between(lastLeaseRenewal, now).compareTo(ctx.config.leaseLength().dividedBy(3)) < 0
                    || ctx.holdings.size() == 0) {
                return;
            }
            lastLeaseRenewal = now;
            ids = ctx.holdings.ids();
        }
        Set<DeliveryId> kept = ctx.store.renewLeases(ids, ctx.lease(now));
        if (kept.size() == ids.size()) {
            return;
        }
        List<HeldDelivery> lost = new ArrayList<>();
        synchronized (lock) {
            for (DeliveryId id : ids) {
                HeldDelivery h = ctx.holdings.get(id);
                if (!kept.contains(id) && h != null && !h.sendingNow) {
                    log.warn("delivery {} lost its lease (another worker has it); dropping it here", id);
                    dispatcher.releaseSlot(h);
                    lost.add(h);
                }
            }
        }
        lost.forEach(settlement::forget);
    }
}
