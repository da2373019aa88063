package io.botdelivery.core;

import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Deliveries ready to reserve a slot (each the active one of its chat lane), by priority then arrival, one queue per
 * budget lane, and until when the limiter said each budget lane is full: a saturated standard lane does not keep
 * paid-broadcast deliveries (a budget 30 times larger) waiting.
 *
 * <p><b>Locking.</b> Not thread-safe: every method is called with the engine lock held.
 */
final class ReadyQueues {
    private static final Comparator<HeldDelivery> ORDER = Comparator
            .<HeldDelivery>comparingInt(h -> h.delivery().request().priority().rank())
            .thenComparingLong(h -> h.seq);
    private final PriorityQueue<HeldDelivery> standard = new PriorityQueue<>(ORDER);
    private final PriorityQueue<HeldDelivery> paid = new PriorityQueue<>(ORDER);
    private Instant standardFullUntil = Instant.MIN;
    private Instant paidFullUntil = Instant.MIN;

    void add(HeldDelivery h) {
        (h.paidLane() ? paid : standard).add(h);
    }

    boolean remove(HeldDelivery h) {
        return standard.remove(h) || paid.remove(h);
    }

    boolean contains(HeldDelivery h) {
        return standard.contains(h) || paid.contains(h);
    }

    void clear() {
        standard.clear();
        paid.clear();
    }

    boolean isEmpty() {
        return standard.isEmpty() && paid.isEmpty();
    }

    /** The limiter said {@code h}'s budget lane is full until {@code until}: its other deliveries wait too. */
    void pauseLane(HeldDelivery h, Instant until) {
        if (h.paidLane()) {
            paidFullUntil = until.isAfter(paidFullUntil) ? until : paidFullUntil;
        } else {
            standardFullUntil = until.isAfter(standardFullUntil) ? until : standardFullUntil;
        }
    }

    /** Takes the first delivery by priority among the lanes not full at {@code now}, or null. */
    HeldDelivery poll(Instant now) {
        HeldDelivery s = now.isBefore(standardFullUntil) ? null : standard.peek();
        HeldDelivery p = now.isBefore(paidFullUntil) ? null : paid.peek();
        if (s == null && p == null) {
            return null;
        }
        if (p == null || (s != null && ORDER.compare(s, p) <= 0)) {
            return standard.poll();
        }
        return paid.poll();
    }

    /** When a lane with waiting deliveries stops being full, or null if none waits for that. */
    Instant nextUnpause(Instant now) {
        Instant next = null;
        if (!standard.isEmpty() && now.isBefore(standardFullUntil)) {
            next = standardFullUntil;
        }
        if (!paid.isEmpty() && now.isBefore(paidFullUntil) && (next == null || paidFullUntil.isBefore(next))) {
            next = paidFullUntil;
        }
        return next;
    }
}
