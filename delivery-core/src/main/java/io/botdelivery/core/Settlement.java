package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.LeasedWrites;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Applies what {@link OutcomePolicy} decided: completes, waits in memory, hands back to the store, fails (and has the
 * admin alerted), follows a migration, halts; and the hand-backs the dispatcher and the poller need. Every store write
 * that records an outcome goes through {@link DurableWrites}; every port call on these paths is guarded, so a failing
 * store or limiter never leaves a delivery half-held.
 *
 * <p><b>Locking.</b> Its one field ({@link #halted}) and every change to held state are made under the engine lock;
 * store, limiter and alert calls are made without it.
 */
final class Settlement {
    private static final Logger log = LoggerFactory.getLogger(Settlement.class);

    private final EngineContext ctx;
    private final Object lock;
    private final Dispatcher dispatcher;
    private final DurableWrites writes;
    private final CompletionBatcher completions;
    /** The GIVE_UP sends' "send started" marks, written together; never retried in the background (see markSendStarted). */
    private final GroupCommit<LeasedWrites.Attempt> sendStartedMarks;
    private final CallerFutures futures;
    /**
     * Ended deliveries whose callers here wait for the final snapshot. They are read back together, by one task on a
     * worker, with one {@link io.botdelivery.core.spi.DeliveryQueries#findFinal} per batch: a batch of completions
     * ends its deliveries one after another on one thread, and a read on that thread for each (as before) cost a store
     * round trip and a decoded row per delivery.
     */
    private final Queue<DeliveryId> toReadBack = new ConcurrentLinkedQueue<>();
    /** Whether a task to read {@link #toReadBack} is scheduled and has not started taking from it. */
    private final AtomicBoolean readBackScheduled = new AtomicBoolean();
    private final AlertDispatcher alerts;
    /** Whether a halt was already reported to the admin (once per engine). */
    private boolean halted;

    Settlement(EngineContext ctx, Dispatcher dispatcher, DurableWrites writes, CallerFutures futures, AlertDispatcher alerts) {
        this.ctx = ctx;
        this.lock = ctx.lock();
        this.dispatcher = dispatcher;
        this.writes = writes;
        this.completions = new CompletionBatcher(ctx, writes, ctx.config.claimBatch());
        this.sendStartedMarks = new GroupCommit<>(ctx.config.claimBatch(),
                batch -> CompletableFuture.completedFuture(ctx.store.recordAttemptAll(batch, ctx.workerId(), ctx.now())));
        this.futures = futures;
        this.alerts = alerts;
    }

    /** Applies a send's outcome to {@code h}. Called on the sending thread, with {@code h} still marked sending. */
    void settle(HeldDelivery h, SendOutcome outcome) {
        synchronized (lock) {
            // whatever is written next clears the mark in the store; the next send writes it again
            h.sendStartedMarked = false;
        }
        try {
            Decision decision = ctx.decide(h, outcome);
            if (OutcomePolicy.isAlbumRateLimit(h.delivery(), outcome)) {
                synchronized (lock) {
                    h.albumRateLimits++;
                }
            }
            apply(h, decision, ctx.now());
        } catch (RuntimeException e) {
            // a bug, not a port failure (those are handled where they happen): drop it here, its lease expires
            log.error("could not apply the outcome {} of delivery {}; it will be retried after its lease", outcome, h.id(), e);
            forget(h);
        }
    }

    /** The scope to pause for a 429 decided as {@code scope}, given whether a bot-wide 429 pause holds already. */
    private LimitScope scopeToPause(LimitScope scope, Instant now) {
        if (scope.isGlobal()) {
            return scope;
        }
        LimitScope duringPause = ctx.config.retryAfterScope().scopeDuringBotWidePause(scope);
        if (duringPause.equals(scope) || !dispatcher.botWidePauseHolds(now)) {
            return scope;
        }
        log.debug("429 in {} while the bot is paused for a 429: pausing {}", scope, duringPause);
        return duringPause;
    }

    private void apply(HeldDelivery h, Decision decision, Instant now) {
        Delivery d = h.delivery();
        if (decision instanceof Decision.Complete complete) {
            ctx.metrics.delivered.increment();
            ctx.metrics.latency.record(Duration.between(d.createdAt(), now));
            completions.complete(d.id(), complete.messageIds(), done -> {
                if (!done) {
                    log.warn("delivery {} was sent but its lease was lost; another worker may send it again", d.id());
                }
                finishLocally(h);
            });
        } else if (decision instanceof Decision.PauseScope pause) {
            ctx.metrics.rateLimited.increment();
            LimitScope scope = scopeToPause(pause.scope(), now);
            try {
                ctx.limiter.penalize(scope, pause.pause());
            } catch (RuntimeException e) {
                // the other instances may not learn of the ban; this one still honours it (below)
                log.warn("rate limiter could not record the 429 pause of {} ({}); this instance pauses on its own", scope, e.toString());
            }
            if (scope.isGlobal()) {
                synchronized (lock) {
                    dispatcher.pauseAll(now.plus(pause.pause()), true);
                }
            }
            log.warn("429 for delivery {} in scope {}: waiting {}", d.id(), scope, pause.pause());
            apply(h, pause.then(), now);
        } else if (decision instanceof Decision.WaitInline wait) {
            if (wait.resume() == Decision.Resume.REJOIN_LANE) {
                ctx.metrics.retry(wait.state().lastErrorClass());
                log.debug("delivery {} failed attempt {} ({}); quick retry in {}", d.id(), wait.state().attempts(), wait.state().lastError(), wait.delay());
            }
            if (!updateHeld(h, wait.state(), now)) {
                return;
            }
            synchronized (lock) {
                if (wait.resume() == Decision.Resume.REJOIN_LANE) {
                    // the retry does not hold back the chat's later deliveries, except those sharing its ordering key
                    ctx.lanes.stepAside(h);
                    dispatcher.waitThen(h, wait.delay(), () -> rejoinLane(h));
                } else {
                    dispatcher.waitThen(h, wait.delay(), () -> dispatcher.backToReady(h));
                }
            }
        } else if (decision instanceof Decision.ReleaseForLater release) {
            if (release.state().lastErrorClass() != io.botdelivery.api.FailureClass.RATE_LIMITED) {
                ctx.metrics.retry(release.state().lastErrorClass());
                log.info("delivery {} failed attempt {} ({}); next try in {} from the store", d.id(), release.state().attempts(),
                        release.state().lastError(), release.delay());
            }
            releaseChat(h, release.state(), now.plus(release.delay()));
        } else if (decision instanceof Decision.Fail fail) {
            fail(h, fail.state());
        } else if (decision instanceof Decision.Redirect redirect) {
            redirect(h, redirect.state(), now);
        } else if (decision instanceof Decision.Halt halt) {
            halt(h, halt, now);
        }
    }

    private void redirect(HeldDelivery h, AttemptState state, Instant now) {
        long oldChat = h.chatId();
        ctx.metrics.redirects.increment();
        log.info("delivery {}: chat {} migrated to {}; resending there", h.id(), oldChat, state.chatId());
        synchronized (lock) {
            h.redirects++;
        }
        if (!updateHeld(h, state, now)) {
            return;
        }
        synchronized (lock) {
            ctx.lanes.moveFirst(h);
        }
    }

    /** Configuration error (bad token): stop sending for a while, keep everything queued, tell the admin once. */
    private void halt(HeldDelivery h, Decision.Halt halt, Instant now) {
        boolean first;
        synchronized (lock) {
            first = !halted;
            halted = true;
            dispatcher.pauseAll(now.plus(halt.pause()), false);
        }
        log.error("sending halted for {}: {} — fix the bot's configuration; deliveries stay queued", halt.pause(), halt.reason());
        releaseChat(h, halt.state(), now.plus(halt.pause()));
        if (first) {
            alerts.halted(halt.reason());
        }
    }

    /** After its quick-retry wait the delivery goes first in its chat's lane again. */
    private void rejoinLane(HeldDelivery h) {
        synchronized (lock) {
            h.timerFired();
            if (h.cancelled || !ctx.holdings.holdsExactly(h)) {
                return;
            }
            ctx.lanes.rejoinFirst(h);
        }
        dispatcher.pump();
    }

    /** Ends {@code h} FAILED with the reason in {@code state}, then has the admin alerted once. */
    void fail(HeldDelivery h, AttemptState state) {
        Delivery d = h.delivery();
        Instant now = ctx.now();
        writes.persist("fail delivery " + d.id(), () -> ctx.store.fail(d.id(), ctx.workerId(), state, now, now.plus(ctx.config.leaseLength())), failed -> {
            finishLocally(h);
            if (!failed) {
                log.warn("delivery {} failed but its lease was lost; the new owner decides", d.id());
                return;
            }
            ctx.metrics.failed(state.lastErrorClass());
            log.warn("delivery {} to chat {} FAILED ({}): {}", d.id(), d.chatId(), state.lastErrorClass(), state.lastError());
            alerts.alertAbout(d.id());
        });
    }

    /** Hands {@code h} back to the store due at {@code at}, and with it its chat's queue (it would only wait longer). */
    void releaseChat(HeldDelivery h, Instant at) {
        releaseChat(h, AttemptState.of(h.delivery()), at);
    }

    private void releaseChat(HeldDelivery h, AttemptState state, Instant at) {
        List<HeldDelivery> behind;
        synchronized (lock) {
            behind = ctx.lanes.clearForRelease(h);
        }
        release(h, state, at);
        for (HeldDelivery other : behind) {
            if (!other.cancelled) {
                release(other, AttemptState.of(other.delivery()), at);
            }
        }
    }

    /** Hands one delivery back to the store, due at {@code at}: it is no longer held here. */
    void release(HeldDelivery h, AttemptState state, Instant at) {
        synchronized (lock) {
            // the reschedule below clears a "send started" mark in the store
            h.sendStartedMarked = false;
            h.cancelTimer();
            if (ctx.holdings.holdsExactly(h)) {
                ctx.holdings.unhold(h.id());
            }
            ctx.lanes.leave(h);
        }
        Instant now = ctx.now();
        writes.persist("release delivery " + h.id(), () -> ctx.store.reschedule(h.id(), ctx.workerId(), state, at, now), done -> {
            if (!done) {
                log.warn("delivery {} could not be released: its lease was lost", h.id());
            }
        });
    }

    /**
     * Records in the store that a GIVE_UP delivery is about to go on the wire (the outcome clears the mark). If this
     * process dies before the answer, whoever claims the delivery next finds the mark and fails it as ambiguous instead
     * of sending it a second time. False when it must not be sent now: the lease is lost (it is forgotten here), or the
     * store cannot take the mark (it is tried again in a second).
     *
     * <p>The marks of sends starting together share one store round trip ({@link GroupCommit}); the calling thread
     * waits for its batch's answer, since the send may leave only once its mark is written. A failed batch is not
     * retried in the background: a mark written after the send would be wrong, so each of its callers takes the
     * one-second way back instead.
     */
    boolean markSendStarted(HeldDelivery h) {
        Delivery d = h.delivery();
        synchronized (lock) {
            if (h.sendStartedMarked) {
                // written for a send that then missed its slot, and nothing cleared it since
                return true;
            }
        }
        boolean recorded;
        try {
            recorded = sendStartedMarks.submit(new LeasedWrites.Attempt(d.id(), AttemptState.of(d).withSendStarted(true))).join();
        } catch (CompletionException e) {
            log.warn("could not record that delivery {} is being sent ({}); with policy GIVE_UP it waits for the store",
                    d.id(), String.valueOf(e.getCause()));
            synchronized (lock) {
                dispatcher.waitThen(h, Duration.ofSeconds(1), () -> dispatcher.backToReady(h));
            }
            return false;
        }
        if (recorded) {
            synchronized (lock) {
                h.sendStartedMarked = true;
            }
            return true;
        }
        log.warn("delivery {} lost its lease; another worker has it", h.id());
        forget(h);
        return false;
    }

    /** Records progress while keeping the lease; false if the lease was lost (the delivery is forgotten here). */
    private boolean updateHeld(HeldDelivery h, AttemptState state, Instant now) {
        Delivery d = h.delivery();
        synchronized (lock) {
            // this write clears a "send started" mark in the store
            h.sendStartedMarked = false;
            h.delivery(new Delivery(d.id(), d.request(), state.chatId(), DeliveryStatus.IN_FLIGHT, state.attempts(),
                    state.deliveredItems(), state.messageIds(), state.lastError(), state.lastErrorClass(), d.createdAt(), now,
                    d.nextAttemptAt(), null, null));
        }
        boolean recorded;
        try {
            recorded = ctx.store.recordAttempt(d.id(), ctx.workerId(), state, now);
        } catch (RuntimeException e) {
            // keep it in memory and retry from there; the store learns the progress at the next write
            log.warn("store unavailable, could not record attempt of delivery {} ({}); keeping it in memory", d.id(), e.toString());
            return true;
        }
        if (recorded) {
            return true;
        }
        log.warn("delivery {} lost its lease; another worker has it", h.id());
        forget(h);
        return false;
    }

    /** Drops {@code h} from memory without writing anything: another worker has it, or its lease will expire. */
    void forget(HeldDelivery h) {
        synchronized (lock) {
            h.cancelled = true;
            h.cancelTimer();
            if (ctx.holdings.holdsExactly(h)) {
                ctx.holdings.unhold(h.id());
            }
            ctx.lanes.remove(h);
        }
        dispatcher.pump();
    }

    /** {@code h} ended (its end is in the store): stop holding it and complete its caller's future. */
    private void finishLocally(HeldDelivery h) {
        synchronized (lock) {
            if (ctx.holdings.holdsExactly(h)) {
                ctx.holdings.unhold(h.id());
            }
            ctx.lanes.leave(h);
        }
        // a delivery no caller here waits for (another instance submitted it) is not read back at all
        if (futures.isPending(h.id())) {
            toReadBack.add(h.id());
            if (readBackScheduled.compareAndSet(false, true)) {
                try {
                    ctx.scheduler.execute(this::readBackQueued);
                } catch (RuntimeException e) {
                    // a scheduler that stopped taking tasks: the poller's sweep, or close(), completes the futures
                    readBackScheduled.set(false);
                    log.debug("could not schedule the read-back of ended deliveries", e);
                }
            }
        }
        dispatcher.pump();
    }

    /**
     * Completes the futures of the deliveries queued for a read-back from the store's final snapshots, a batch of up to
     * {@code claimBatch} per round trip. A failed read leaves them to the poller's sweep, and a closing engine completes
     * whatever is still pending (so an id queued when the scheduler stops is not stranded).
     */
    private void readBackQueued() {
        // cleared before taking: an id queued from here on is taken below or by the next task, never by neither
        readBackScheduled.set(false);
        List<DeliveryId> batch = new ArrayList<>();
        for (DeliveryId id; (id = toReadBack.poll()) != null; ) {
            batch.add(id);
            if (batch.size() == ctx.config.claimBatch() || toReadBack.isEmpty()) {
                try {
                    ctx.store.findFinal(batch).forEach(futures::completeIfFinal);
                } catch (RuntimeException e) {
                    log.debug("could not read {} ended deliveries back to complete their futures; the poller will", batch.size(), e);
                }
                batch = new ArrayList<>();
            }
        }
    }
}
