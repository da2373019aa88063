package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.core.spi.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Sends the admin alerts, one at a time, on an executor of their own: a notifier may take up to
 * {@link Notifier#MAX_BLOCKING} per call (e.g. waiting for the admin chat's 1 msg/s slot), and neither a send worker nor
 * the poller ever waits for that. Alerts for deliveries this engine failed are queued at once; alerts owed in the store
 * (their first try failed, or their owner died) are claimed by this dispatcher, in small batches, when its queue has
 * drained.
 *
 * <p><b>Bounds.</b> At most {@link #MAX_QUEUED} alerts wait here; one that does not fit stays owed in the store and is
 * claimed later, so none is lost. The bound keeps the queue short enough to drain within a notification lease at one
 * alert per second, so another instance does not claim (and repeat) an alert still queued here.
 *
 * <p><b>Locking.</b> Its queue is guarded by its own monitor, independent of the engine lock; the notifier and the store
 * are called without it. At most one drain task runs at a time.
 */
final class AlertDispatcher {
    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);
    static final int MAX_QUEUED = 30;
    private static final int CLAIM_BATCH = 10;

    private final EngineContext ctx;
    private final Notifier notifier;
    private final TaskScheduler executor;
    private final DurableWrites writes;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean claimQueued;
    private boolean stopped;

    AlertDispatcher(EngineContext ctx, Notifier notifier, TaskScheduler executor, DurableWrites writes) {
        this.ctx = ctx;
        this.notifier = notifier;
        this.executor = executor;
        this.writes = writes;
    }

    /** Alerts about delivery {@code id}, which this engine just failed and holds the notification lease for. */
    void alertAbout(DeliveryId id) {
        enqueue(() -> ctx.store.find(id).filter(d -> d.status() == DeliveryStatus.FAILED && d.notifiedAt() == null)
                .ifPresent(this::notifyFailed), "alert about delivery " + id);
    }

    /** Claims alerts owed in the store and sends them, unless a claim is waiting or alerts are queued. Never blocks. */
    void claimOwed() {
        synchronized (this) {
            if (claimQueued || stopped || !queue.isEmpty()) {
                return;
            }
            claimQueued = true;
            queue.addLast(this::claim);
        }
        startDrain();
    }

    private void claim() {
        synchronized (this) {
            claimQueued = false;
        }
        Instant now = ctx.now();
        for (Delivery d : ctx.store.claimUnnotified(now, CLAIM_BATCH, ctx.lease(now))) {
            enqueue(() -> notifyFailed(d), "alert about delivery " + d.id());
        }
    }

    /** Tells the admin that sending halted; best effort (an exception is logged, not retried). */
    void halted(String reason) {
        enqueue(() -> {
            try {
                notifier.sendingHalted(reason);
            } catch (Exception e) {
                log.warn("could not tell the admin that sending halted ({})", e.toString());
            }
        }, "halt alert");
    }

    /** Stops taking alerts; those queued stay owed in the store (their lease ends and any instance claims them). */
    void stop() {
        synchronized (this) {
            stopped = true;
            queue.clear();
        }
    }

    /** Alerts waiting or being sent (for tests). */
    synchronized int queued() {
        return queue.size() + (draining ? 1 : 0);
    }

    private void enqueue(Runnable job, String what) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (queue.size() >= MAX_QUEUED) {
                log.debug("{} not queued: {} alerts wait already; it stays owed in the store", what, queue.size());
                return;
            }
            queue.addLast(job);
        }
        startDrain();
    }

    private void startDrain() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException e) {
            // the executor is shut down (engine closing): what was queued stays owed in the store
            synchronized (this) {
                draining = false;
                queue.clear();
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable job;
            synchronized (this) {
                job = stopped ? null : queue.pollFirst();
                if (job == null) {
                    draining = false;
                    return;
                }
            }
            try {
                job.run();
            } catch (RuntimeException e) {
                log.warn("alert work failed ({}); what is owed is claimed again later", e.toString());
            }
        }
    }

    /** Alerts the admin about one FAILED delivery this worker holds the notification lease for. */
    private void notifyFailed(Delivery failed) {
        try {
            notifier.deliveryFailed(failed);
        } catch (Exception e) {
            log.warn("admin alert for delivery {} not sent ({}); it will be retried", failed.id(), e.toString());
            return;
        }
        // the alert is out: if the store cannot take the mark now, keep trying, or the alert is owed again and repeated
        Instant sentAt = ctx.now();
        writes.persist("mark delivery " + failed.id() + " notified", () -> ctx.store.markNotified(failed.id(), ctx.workerId(), sentAt),
                marked -> {
                    if (!marked) {
                        log.warn("admin alert for delivery {} sent, but another worker had taken it over; it may be sent twice",
                                failed.id());
                    }
                });
    }
}
