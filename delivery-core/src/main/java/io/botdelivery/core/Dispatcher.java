package io.botdelivery.core;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Moves ready deliveries to the wire: at most {@link AdaptiveConcurrency#limit()} between reservation and outcome (a
 * fixed {@code maxConcurrentSends}, or sized from the measured time a send takes), a slot
 * reserved from the limiter (weight = album item count), a timer until the slot (no thread held), the bot-wide pauses
 * (a 429 taken by this instance or seen in the limiter, a halt) honoured up to the moment of sending, the GIVE_UP
 * "send started" mark written first, then the sender called and its outcome handed to the {@link Settlement}.
 *
 * <p><b>Locking.</b> Its fields are guarded by the engine lock, like the state it moves deliveries through. Ports (limiter,
 * store, sender) are called without it; a task or timer that runs later checks again, under it, that its delivery is
 * still held and not cancelled.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /**
     * How far ahead a delivery that missed its slot may reserve again at once: a lane's wait fits, a chat's window
     * (a second or more) does not, so the limiter refuses and the delivery waits without its place.
     */
    static final Duration MISSED_SLOT_HORIZON = Duration.ofMillis(100);

    private final EngineContext ctx;
    private final Object lock;
    /** Applies outcomes and hand-backs; set once, right after construction (the two call each other). */
    private Settlement settlement;
    /** How many may hold a place at once; fed the service time of every answered send. */
    private final AdaptiveConcurrency concurrency;
    /** The first sends' slow start and holds behind their late arrivals. */
    private final ColdStart coldStart;
    /** How long the checks before a send take, from the time they were due: how far ahead of its slot they start. */
    private final PreparationLead preparation = new PreparationLead();
    /** Builds the limiter's requests and gives grants back. */
    private final Grants grants;
    /** How long a lane waits after the limiter could not decide. */
    private final LimiterOutage limiterOutage = new LimiterOutage();
    /** Deliveries holding a place under the concurrency limit. */
    private int dispatching;
    /** Deliveries on the wire (close() waits for them). */
    private int sending;
    /** No dispatch at all before this: a bot-wide 429 or a halt. */
    private Instant globalPauseUntil = Instant.MIN;
    /** Until when a bot-wide 429 this instance received holds (a denial by a full lane does not count). */
    private Instant penalizedUntil = Instant.MIN;
    private Instant pumpTimerAt;

    Dispatcher(EngineContext ctx) {
        this.ctx = ctx;
        this.lock = ctx.lock();
        this.concurrency = AdaptiveConcurrency.forConfig(ctx.config);
        this.coldStart = new ColdStart(ctx.config.lateSendTolerance());
        this.grants = new Grants(ctx);
    }

    /** Registers the gauges of what it sizes itself: the concurrency limit, the service time, the preparation lead. */
    void registerGauges(EngineMetrics metrics) {
        metrics.gauge("delivery.sends.limit", "deliveries allowed between reservation and outcome at once",
                () -> underLock(concurrency::limit));
        metrics.gauge("delivery.sends.service_time", "mean seconds a send holds its place, apart from its slot wait",
                () -> underLock(concurrency::serviceTime).toNanos() / 1e9);
        metrics.gauge("delivery.sends.preparation_lead", "seconds before its slot a send starts its checks (pause read, GIVE_UP mark)",
                () -> underLock(preparation::lead).toNanos() / 1e9);
    }

    private <T> T underLock(Supplier<T> read) {
        synchronized (lock) {
            return read.get();
        }
    }

    void settleWith(Settlement settlement) {
        this.settlement = settlement;
    }

    /**
     * Starts as many ready deliveries as the concurrency cap and the pauses allow: a bot-wide pause holds both budget
     * lanes; a lane the limiter said is full holds only its own deliveries.
     */
    void pump() {
        List<HeldDelivery> toStart = new ArrayList<>();
        synchronized (lock) {
            if (ctx.closing()) {
                return;
            }
            Instant now = ctx.now();
            Instant wakeAt = null;
            if (now.isBefore(globalPauseUntil)) {
                wakeAt = ctx.ready.isEmpty() ? null : globalPauseUntil;
            } else {
                while (dispatching < placesNow()) {
                    HeldDelivery h = ctx.ready.poll(now);
                    if (h == null) {
                        wakeAt = ctx.ready.nextUnpause(now);
                        break;
                    }
                    dispatching++;
                    h.holdsSlot = true;
                    toStart.add(h);
                }
            }
            if (wakeAt != null && (pumpTimerAt == null || wakeAt.isBefore(pumpTimerAt))) {
                pumpTimerAt = wakeAt;
                ctx.scheduler.schedule(Duration.between(now, wakeAt), () -> {
                    synchronized (lock) {
                        pumpTimerAt = null;
                    }
                    pump();
                });
            }
        }
        for (HeldDelivery h : toStart) {
            ctx.scheduler.execute(() -> reserveAndSend(h));
        }
    }

    /** The places under the concurrency limit now: fewer while the engine is cold ({@link ColdStart}). Lock held. */
    private int placesNow() {
        return coldStart.places(concurrency.limit());
    }

    /** Gives back {@code h}'s place under the concurrency limit, once. Engine lock held. */
    void releaseSlot(HeldDelivery h) {
        if (h.holdsSlot) {
            h.holdsSlot = false;
            dispatching--;
        }
    }

    /** Pauses every send of this instance until {@code until}; {@code penalized}: a 429 Telegram gave this instance. Lock held. */
    void pauseAll(Instant until, boolean penalized) {
        if (until.isAfter(globalPauseUntil)) {
            globalPauseUntil = until;
        }
        if (penalized && until.isAfter(penalizedUntil)) {
            penalizedUntil = until;
        }
    }

    /** Puts a held delivery back among the ready ones after a timer, if it is still held here. */
    void backToReady(HeldDelivery h) {
        synchronized (lock) {
            h.timerFired();
            if (h.cancelled || !ctx.holdings.holdsExactly(h)) {
                return;
            }
            ctx.ready.add(h);
        }
        pump();
    }

    /** Waits {@code delay} on a timer, then {@code then}; lock held. */
    void waitThen(HeldDelivery h, Duration delay, Runnable then) {
        h.waitingUntil = ctx.now().plus(delay);
        h.timer = ctx.scheduler.schedule(delay, then);
    }

    /** Gives up {@code h}'s slot and place because the bot is paused; it waits among the ready ones. Lock held. */
    private void giveUpSlotForPause(HeldDelivery h) {
        ctx.metrics.pausedSlots.increment();
        h.slotAt = null;
        releaseSlot(h);
        ctx.ready.add(h);
    }

    private void reserveAndSend(HeldDelivery h) {
        reserveAndSend(h, ctx.config.reserveHorizon());
    }

    /** Reserves a slot no further ahead than {@code horizon}, then waits for it and sends; see {@link #send}. */
    private void reserveAndSend(HeldDelivery h, Duration horizon) {
        synchronized (lock) {
            if (h.cancelled || ctx.closing()) {
                releaseSlot(h);
                return;
            }
        }
        RateRequest request = grants.request(h);
        Reservation reservation;
        Instant asked = ctx.now();
        boolean decided = false;
        try {
            reservation = ctx.limiter.reserve(request, horizon);
            decided = true;
        } catch (RuntimeException e) {
            // fail closed: without a decision nothing may be sent; the lane asks again after a wait that grows with the spell
            ctx.metrics.limiterUnavailable.increment();
            reservation = Reservation.denied(limiterOutage.failed(asked, e), LimitScope.global());
        }
        Instant answered = ctx.now();
        if (decided) {
            limiterOutage.decided(asked, answered);
        }
        Duration reserveTook = Duration.between(asked, answered);
        if (reservation instanceof Reservation.Granted granted) {
            ctx.metrics.waited(granted.delay());
            boolean prepareNow;
            synchronized (lock) {
                h.reserveTook = reserveTook;
                // the slot is the limiter's, counted from its answer: a wait for the lock must not move it later
                // unseen (a send that leaves later than its slot by more than the tolerance reserves again, since
                // it would arrive bunched with the next slots' sends)
                h.slotAt = answered.plus(granted.delay());
                h.grant = granted;
                // the checks before a send (the bot-wide pause, the GIVE_UP mark: store and limiter round trips) start
                // that much before the slot, so that they do not make the send miss it
                Instant prepareAt = h.slotAt.minus(preparation.lead());
                Instant now = ctx.now();
                prepareNow = !prepareAt.isAfter(now);
                h.prepareFrom = prepareNow ? now : prepareAt;
                if (!prepareNow) {
                    waitThen(h, Duration.between(now, prepareAt), () -> send(h));
                }
            }
            if (prepareNow) {
                send(h);
            }
            return;
        }
        Reservation.Denied denied = (Reservation.Denied) reservation;
        if (denied.scope().isGlobal() && horizon.compareTo(ctx.config.reserveHorizon()) < 0) {
            // the short horizon after a missed slot is for its chat's window; a lane booked further ahead (other
            // instances on it) is waited for as usual, keeping the place: pausing the lane here stalled two replicas
            reserveAndSend(h, ctx.config.reserveHorizon());
            return;
        }
        Instant now = ctx.now();
        boolean release = false;
        synchronized (lock) {
            releaseSlot(h);
            if (h.cancelled) {
                return;
            }
            if (denied.scope().isGlobal()) {
                // the request's budget lane is full (or paused): its other deliveries wait too, the other lane goes on
                ctx.ready.pauseLane(h, now.plus(denied.retryIn()));
                ctx.ready.add(h);
            } else if (denied.retryIn().compareTo(ctx.config.maxInlineWait()) > 0) {
                release = true;
            } else {
                waitThen(h, denied.retryIn(), () -> backToReady(h));
            }
        }
        if (release) {
            settlement.releaseChat(h, now.plus(denied.retryIn()));
        }
        pump();
    }

    private void send(HeldDelivery h) {
        boolean waitedForSlot;
        synchronized (lock) {
            waitedForSlot = h.waitingUntil != null;
            h.timerFired();
            if (h.cancelled || ctx.closing()) {
                releaseSlot(h);
                return;
            }
        }
        Delivery d = h.delivery();
        // The GIVE_UP mark is written before the slot is checked for lateness, not after: a slow or unreachable store
        // would otherwise let the send leave seconds after its slot, next to a slot granted to the same chat meanwhile.
        // It comes before the pause read: the slower of the two, it would leave the pause read that much older.
        if (d.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP && !settlement.markSendStarted(h)) {
            synchronized (lock) {
                releaseSlot(h);
            }
            pump();
            return;
        }
        // A slot granted a while ago may now fall inside a bot-wide 429 pause that this or another instance took
        // meanwhile: sent anyway, it reaches Telegram during the ban, draws another 429 and extends the ban, and a
        // fleet with many such slots never gets out. A slot granted just now was checked against the pause already.
        Duration pause = waitedForSlot ? globalPauseNow() : Duration.ZERO;
        synchronized (lock) {
            if (h.cancelled || ctx.closing()) {
                // cancelled, or close() hands it back to the store
                releaseSlot(h);
                return;
            }
            Instant now = ctx.now();
            if (now.isBefore(penalizedUntil)) {
                pause = pause.compareTo(Duration.between(now, penalizedUntil)) >= 0 ? pause : Duration.between(now, penalizedUntil);
            }
            if (!pause.isZero()) {
                log.debug("delivery {}: the bot is paused for {} after a 429; its slot is given up", h.id(), pause);
                pauseAll(now.plus(pause), false);
                giveUpSlotForPause(h);
            }
        }
        if (!pause.isZero()) {
            pump();
            return;
        }
        boolean waitForSlot;
        synchronized (lock) {
            Instant now = ctx.now();
            if (h.prepareFrom != null) {
                preparation.record(Duration.between(h.prepareFrom, now));
                h.prepareFrom = null;
            }
            Duration untilSlot = h.slotAt == null ? Duration.ZERO : Duration.between(now, h.slotAt);
            waitForSlot = untilSlot.compareTo(Duration.ZERO) > 0 && !h.cancelled && !ctx.closing();
            if (waitForSlot) {
                // prepared ahead of the slot: never send before it
                waitThen(h, untilSlot, () -> {
                    synchronized (lock) {
                        h.timerFired();
                    }
                    sendAtSlot(h, true);
                });
            }
        }
        if (!waitForSlot) {
            sendAtSlot(h, false);
        }
    }

    /** Sends {@code h} now, at its slot (prepared: not paused, GIVE_UP mark written), unless the slot has passed. */
    private void sendAtSlot(HeldDelivery h, boolean preparedEarly) {
        Delivery d = h.delivery();
        boolean lateSlot = false;
        boolean held = false;
        boolean paused = false;
        Instant slot;
        synchronized (lock) {
            if (h.cancelled || ctx.closing()) {
                releaseSlot(h);
                return;
            }
            Instant now = ctx.now();
            slot = h.slotAt;
            if (now.isBefore(globalPauseUntil)) {
                // a bot-wide 429 reached this instance between the preparation and the slot
                giveUpSlotForPause(h);
                paused = true;
            } else {
                Duration late = slot == null ? Duration.ZERO : Duration.between(slot, now);
                if (slot != null) {
                    (preparedEarly ? ctx.metrics.slotLatenessPreparedEarly : ctx.metrics.slotLatenessPreparedLate)
                            .record(late.isNegative() ? Duration.ZERO : late);
                }
                h.slotAt = null;
                Instant holdUntil = coldStart.holdUntil(now, h.delivery().chatId());
                if (late.compareTo(ctx.config.lateSendTolerance()) > 0) {
                    // the slot has passed: sent now it would arrive bunched with the next slots' sends
                    ctx.metrics.lateSlots.increment();
                    log.debug("delivery {} missed its slot by {}; reserving again", h.id(), late);
                    lateSlot = true;
                } else if (holdUntil != null) {
                    // a send of the cold start may have arrived late: sent now this one could share its window
                    log.debug("delivery {} held until {} behind a cold send that may have arrived late", h.id(), holdUntil);
                    held = true;
                    waitThen(h, Duration.between(now, holdUntil), () -> {
                        synchronized (lock) {
                            h.timerFired();
                        }
                        reserveAndSend(h);
                    });
                } else {
                    coldStart.departed(now);
                    h.sendingNow = true;
                    sending++;
                }
            }
        }
        if (held) {
            return;
        }
        if (paused) {
            pump();
            return;
        }
        if (lateSlot) {
            if (grants.giveBackMissed(h)) {
                // its chat's window no longer holds the missed slot: asked as any other send
                reserveAndSend(h);
                return;
            }
            // Kept by the limiter, the missed slot still counts in its chat's window, so its next slot is about a
            // window (a second) away. Reserved that far ahead, the delivery would hold its place under the concurrency
            // limit all the while: on a loaded host missing 2-7 % of its slots, most of a broadcast's 16 places stood
            // in such waits (about 500 of 952 msg/s). Asked with a short horizon, the limiter refuses instead and says
            // when; the delivery waits on a timer without its place and comes back through the ready queue, under the
            // limit (freeing the place for the whole wait while it stayed booked let missed sends run beyond the
            // limit, and an overloaded host then collapsed).
            Duration horizon = ctx.config.reserveHorizon();
            reserveAndSend(h, horizon.compareTo(MISSED_SLOT_HORIZON) <= 0 ? horizon : MISSED_SLOT_HORIZON);
            return;
        }
        SendOutcome outcome;
        Instant sentAt = ctx.now();
        try {
            outcome = ctx.sender.send(new SendRequest(d.id(), d.chatId(), d.remainingPayload(), d.request().allowPaidBroadcast(),
                    d.attempts() + 1));
        } catch (RuntimeException e) {
            log.error("sender threw instead of returning an outcome for delivery {}; treated as ambiguous", d.id(), e);
            outcome = new SendOutcome.Ambiguous("sender threw " + e);
        }
        try {
            settlement.settle(h, outcome);
        } finally {
            // the place was held for the limiter call, the round trip and the outcome's store writes: what Little's
            // law needs; the slot wait is left out, the limiter decides that part
            sendEnded(h, slot, AdaptiveConcurrency.answered(outcome) ? Duration.between(sentAt, ctx.now()) : null);
        }
    }

    /**
     * Gives back what a send took (its place under the concurrency limit) and lets the next one start; an answered
     * send's {@code serviceTime} (null otherwise) resizes the limit and, with its {@code slot}, feeds the cold start.
     */
    private void sendEnded(HeldDelivery h, Instant slot, Duration serviceTime) {
        synchronized (lock) {
            h.sendingNow = false;
            sending--;
            if (serviceTime != null) {
                concurrency.record(serviceTime.plus(h.reserveTook));
                coldStart.answered(slot, serviceTime, h.delivery().chatId(), concurrency.limit());
            }
            releaseSlot(h);
            lock.notifyAll();
        }
        pump();
    }

    /** Whether a bot-wide 429 pause holds at {@code now}: one this instance took, or another's through the limiter. */
    boolean botWidePauseHolds(Instant now) {
        synchronized (lock) {
            if (now.isBefore(penalizedUntil)) {
                return true;
            }
        }
        return !globalPauseNow().isZero();
    }

    /** The limiter's bot-wide pause; a limiter that cannot tell does not hold a granted send back. */
    private Duration globalPauseNow() {
        try {
            return ctx.limiter.globalPause();
        } catch (RuntimeException e) {
            log.debug("rate limiter could not tell whether the bot is paused ({}); the granted slot stands", e.toString());
            return Duration.ZERO;
        }
    }

    /** Waits up to {@code grace} for the sends on the wire to end (close()); returns how many are still on it. */
    int awaitSendsEnded(Duration grace) {
        synchronized (lock) {
            long deadline = System.nanoTime() + grace.toNanos();
            while (sending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return sending;
        }
    }
}
