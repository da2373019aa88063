package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliveries this engine holds in memory, and the room each budget lane (standard, paid broadcast) has left under
 * {@code maxBuffered}.
 *
 * <p><b>Locking.</b> Not thread-safe: every method is called with the engine lock held ({@link EngineContext#lock()}).
 * Room is reserved before a store round trip ({@link #reserveRoom}) so that concurrent submitters cannot all see the
 * same free place and together pass the bound.
 */
final class Holdings {
    private final Map<DeliveryId, HeldDelivery> held = new HashMap<>();
    private final int maxBuffered;
    private long seq;
    private int heldPaid;
    private int reservedStandard;
    private int reservedPaid;

    Holdings(int maxBuffered) {
        this.maxBuffered = maxBuffered;
    }

    /** Holds {@code d}; null when it is held already. */
    HeldDelivery hold(Delivery d) {
        if (held.containsKey(d.id())) {
            return null;
        }
        HeldDelivery h = new HeldDelivery(d, ++seq);
        held.put(d.id(), h);
        if (h.paidLane()) {
            heldPaid++;
        }
        return h;
    }

    /** Stops holding {@code id}; returns what was held, or null. */
    HeldDelivery unhold(DeliveryId id) {
        HeldDelivery h = held.remove(id);
        if (h != null && h.paidLane()) {
            heldPaid--;
        }
        return h;
    }

    HeldDelivery get(DeliveryId id) {
        return held.get(id);
    }

    boolean holds(DeliveryId id) {
        return held.containsKey(id);
    }

    /** Whether {@code h} is still the one held under its id (not dropped and held again since). */
    boolean holdsExactly(HeldDelivery h) {
        return held.get(h.id()) == h;
    }

    int size() {
        return held.size();
    }

    List<HeldDelivery> all() {
        return new ArrayList<>(held.values());
    }

    List<DeliveryId> ids() {
        return new ArrayList<>(held.keySet());
    }

    /** Places taken in a lane: held deliveries plus reserved room. */
    int taken(boolean paidLane) {
        return paidLane ? heldPaid + reservedPaid : held.size() - heldPaid + reservedStandard;
    }

    /**
     * What the poller may claim: the store does not say in advance which lane a due delivery is in, so a claim must
     * fit in both. (Counting the standard lane alone let a paid broadcast be claimed without bound: 38,000 of 50,000
     * held by one instance of the example bot, none left for the other replicas.)
     */
    int claimRoom() {
        return Math.max(0, maxBuffered - Math.max(taken(false), taken(true)));
    }

    /** Takes one place in a lane ahead of a store round trip; false when the lane is full. */
    boolean reserveRoom(boolean paidLane) {
        if (taken(paidLane) >= maxBuffered) {
            return false;
        }
        if (paidLane) {
            reservedPaid++;
        } else {
            reservedStandard++;
        }
        return true;
    }

    /** Gives back a place taken by {@link #reserveRoom} (after the delivery was held, or was not leased). */
    void releaseRoom(boolean paidLane) {
        if (paidLane) {
            reservedPaid--;
        } else {
            reservedStandard--;
        }
    }
}
