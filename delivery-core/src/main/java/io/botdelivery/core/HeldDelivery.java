package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.Reservation;

import java.time.Duration;
import java.time.Instant;

/**
 * One delivery this engine holds a lease on, with what the engine knows about it in memory.
 *
 * <p><b>Locking.</b> Every field is written only with the engine lock held ({@link EngineContext#lock()}).
 * {@link #delivery} is volatile so that the code calling ports (the sender, the store) can read the current snapshot
 * without the lock; every other field is also read under the lock.
 */
final class HeldDelivery {
    private volatile Delivery delivery;
    /** Arrival order in this engine: ties between equal priorities go to the earlier one. */
    final long seq;
    /** Chat migrations followed so far (memory only: a delivery that changes owner starts again at zero). */
    int redirects;
    /**
     * Plain 429s its album drew while held here (memory only; {@link OutcomePolicy} also reads the mark such a 429
     * leaves in the stored last error, so a hand-back in between does not reset it).
     */
    int albumRateLimits;
    /** Between the sender call and its outcome being applied: cannot be cancelled or released. */
    boolean sendingNow;
    /** Cancelled, lease lost or handed back: every timer or task that finds it so drops it. */
    boolean cancelled;
    /** The store has not yet confirmed a cancel: kept (and its lease renewed) only until it does. */
    boolean cancelPending;
    /** Counts against the concurrency limit: from dispatch until its outcome (or denial). */
    boolean holdsSlot;
    /** How long its last limiter call took: part of the time it holds its place, measured for the concurrency. */
    Duration reserveTook = Duration.ZERO;
    /** When its reserved slot begins, while it holds one. */
    Instant slotAt;
    /** The limiter's grant of that slot, to give it back if the slot is missed. */
    Reservation.Granted grant;
    /**
     * Its GIVE_UP "send started" mark is written for its next send and nothing has cleared it since: a send that
     * missed its slot goes at its next one without writing it again (written each time, a store slower than
     * {@code lateSendTolerance} made every try miss).
     */
    boolean sendStartedMarked;
    /** When the checks before its send were due to start (its slot less the preparation lead), until they end. */
    Instant prepareFrom;
    /** Due time while waiting on a timer (to hand it back due then at shutdown). */
    Instant waitingUntil;
    TaskScheduler.Cancellable timer;
    /**
     * The chat of the {@link ChatLanes} lane it last joined (written by ChatLanes only): a migration changes
     * {@link #chatId()} before the delivery moves lanes, and the lane it still occupies must be found by the old chat.
     */
    long laneChatId;

    HeldDelivery(Delivery delivery, long seq) {
        this.delivery = delivery;
        this.seq = seq;
        this.laneChatId = delivery.chatId();
    }

    Delivery delivery() {
        return delivery;
    }

    /** Replaces the snapshot; engine lock held. */
    void delivery(Delivery d) {
        this.delivery = d;
    }

    DeliveryId id() {
        return delivery.id();
    }

    long chatId() {
        return delivery.chatId();
    }

    boolean paidLane() {
        return delivery.request().allowPaidBroadcast();
    }

    String orderingKey() {
        return delivery.request().orderingKey();
    }

    /** Forgets the timer it waited on, now that it fired; engine lock held. */
    void timerFired() {
        timer = null;
        waitingUntil = null;
    }

    /** Calls off its timer, if any; engine lock held. */
    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        waitingUntil = null;
    }
}
