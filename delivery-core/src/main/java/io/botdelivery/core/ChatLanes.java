package io.botdelivery.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-chat lanes: at most one delivery of a lane is reserving or sending at a time (its lane's <em>active</em> one), the
 * others queue in submission order. A delivery waiting for a quick retry steps aside so later deliveries of its lane go
 * on, except those sharing its ordering key, which wait for it. An active delivery becomes ready (is put in the
 * {@link ReadyQueues}) the moment it becomes active.
 *
 * <p><b>What a lane is</b> ({@link ChatOrder}): under {@link ChatOrder#SUBMISSION} one lane per chat, both budget lanes
 * in it; under {@link ChatOrder#PAID_FIRST} one lane per chat and budget lane, so a chat's paid broadcasts never
 * queue behind its standard deliveries, and the chat's standard lane starts no delivery while its paid lane has an
 * active one (the chat's budget is shared: see {@link ChatOrder#PAID_FIRST} for why the paid lane must go first rather
 * than merely alongside). The rest of the engine only asks for "the lane of this delivery"; which lane that is is
 * decided here alone ({@link #keyOf}). A delivery's budget lane never changes, so it stays in one lane for as long as
 * it is held (a migrated chat moves it to the same budget lane of the new chat).
 *
 * <p><b>Locking.</b> Not thread-safe: every method is called with the engine lock held.
 */
final class ChatLanes {
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    private final ReadyQueues ready;
    private final ChatOrder order;

    /** A lane: a chat, and under {@link ChatOrder#PAID_FIRST} also the budget lane (false under SUBMISSION). */
    private record LaneKey(long chatId, boolean paidLane) {
    }

    private static final class Lane {
        final LaneKey key;
        final ArrayDeque<HeldDelivery> queue = new ArrayDeque<>();
        HeldDelivery active;
        final Set<String> blockedKeys = new HashSet<>();

        Lane(LaneKey key) {
            this.key = key;
        }

        boolean idle() {
            return active == null && queue.isEmpty() && blockedKeys.isEmpty();
        }
    }

    ChatLanes(ReadyQueues ready, ChatOrder order) {
        this.ready = ready;
        this.order = order;
    }

    /** The lane {@code h} belongs to while its chat is {@code chatId}. */
    private LaneKey keyOf(HeldDelivery h, long chatId) {
        return new LaneKey(chatId, order == ChatOrder.PAID_FIRST && h.paidLane());
    }

    /**
     * The lane {@code h} occupies (queued, active, or stepped aside from), found by the chat it joined under: after a
     * migration its delivery already names the new chat while it still occupies the old chat's lane.
     */
    private Lane laneOf(HeldDelivery h) {
        return lanes.get(keyOf(h, h.laneChatId));
    }

    /** The lane of {@code h}'s current chat, made if need be; {@code h} is about to join it. */
    private Lane laneFor(HeldDelivery h) {
        h.laneChatId = h.chatId();
        return lanes.computeIfAbsent(keyOf(h, h.chatId()), Lane::new);
    }

    /** Queues {@code h} at the end of its lane; false (nothing changed) when the lane already queues {@code max}. */
    boolean join(HeldDelivery h, int max) {
        Lane lane = laneFor(h);
        if (lane.queue.size() >= max) {
            dropIfIdle(lane);
            return false;
        }
        lane.queue.addLast(h);
        advance(lane);
        return true;
    }

    /** {@code h} no longer occupies its lane (finished, handed back, or dropped); the next one may go. */
    void leave(HeldDelivery h) {
        Lane lane = laneOf(h);
        if (lane != null && lane.active == h) {
            lane.active = null;
            advance(lane);
        }
    }

    /** Takes {@code h} out of wherever it is (ready, queued or active), letting its lane's next delivery go. */
    void remove(HeldDelivery h) {
        ready.remove(h);
        Lane lane = laneOf(h);
        if (lane == null) {
            return;
        }
        boolean wasQueued = lane.queue.remove(h);
        if (lane.active == h) {
            lane.active = null;
        } else if (!wasQueued && h.orderingKey() != null) {
            // neither queued nor active: it was waiting for a quick retry with its ordering key blocked, and will
            // not come back to unblock it
            lane.blockedKeys.remove(h.orderingKey());
        }
        advance(lane);
    }

    /**
     * Empties {@code h}'s lane for a hand-back to the store: {@code h} stops being active and the deliveries queued
     * behind it are returned (they would only wait longer here).
     */
    List<HeldDelivery> clearForRelease(HeldDelivery h) {
        List<HeldDelivery> behind = new ArrayList<>();
        Lane lane = laneOf(h);
        if (lane != null) {
            if (lane.active == h) {
                lane.active = null;
            }
            behind.addAll(lane.queue);
            lane.queue.clear();
            dropIfIdle(lane);
            letStandardGo(lane.key);
        }
        return behind;
    }

    /** {@code h} waits for a quick retry: later deliveries of its lane go on, except those sharing its ordering key. */
    void stepAside(HeldDelivery h) {
        Lane lane = laneOf(h);
        if (lane != null && lane.active == h) {
            lane.active = null;
            if (h.orderingKey() != null) {
                lane.blockedKeys.add(h.orderingKey());
            }
            advance(lane);
        }
    }

    /** After its quick-retry wait, {@code h} goes first in its lane again. */
    void rejoinFirst(HeldDelivery h) {
        Lane lane = laneFor(h);
        if (h.orderingKey() != null) {
            lane.blockedKeys.remove(h.orderingKey());
        }
        lane.queue.addFirst(h);
        advance(lane);
    }

    /** The chat migrated ({@code h} names the new chat): {@code h} leaves its old lane and goes first in the new chat's. */
    void moveFirst(HeldDelivery h) {
        Lane old = laneOf(h);
        if (old != null && old.active == h) {
            old.active = null;
            advance(old);
        }
        rejoinFirst(h);
    }

    /** The active delivery of every lane (for checks: none of them may be finished). */
    List<HeldDelivery> activeDeliveries() {
        List<HeldDelivery> active = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            if (lane.active != null) {
                active.add(lane.active);
            }
        }
        return active;
    }

    int size() {
        return lanes.size();
    }

    /** Makes the next eligible delivery of {@code lane} active, if it has none; then what that lets go. */
    private void advance(Lane lane) {
        advanceOne(lane);
        letStandardGo(lane.key);
    }

    /** After a paid lane changed: if it has no active delivery (any more), its chat's standard lane may go on. */
    private void letStandardGo(LaneKey changed) {
        if (!changed.paidLane()) {
            return;
        }
        Lane paid = lanes.get(changed);
        if (paid == null || paid.active == null) {
            Lane standard = lanes.get(new LaneKey(changed.chatId(), false));
            if (standard != null) {
                advanceOne(standard);
            }
        }
    }

    /** Under PAID_FIRST, a chat's standard lane waits while the chat's paid lane has an active delivery. */
    private boolean yieldsToPaid(Lane lane) {
        if (order != ChatOrder.PAID_FIRST || lane.key.paidLane()) {
            return false;
        }
        Lane paid = lanes.get(new LaneKey(lane.key.chatId(), true));
        return paid != null && paid.active != null;
    }

    private void advanceOne(Lane lane) {
        if (lane.active != null) {
            return;
        }
        if (yieldsToPaid(lane)) {
            // the queue keeps it; dropped only when there is nothing left in it
            dropIfIdle(lane);
            return;
        }
        for (Iterator<HeldDelivery> it = lane.queue.iterator(); it.hasNext(); ) {
            HeldDelivery h = it.next();
            if (h.cancelled) {
                it.remove();
                continue;
            }
            if (h.orderingKey() != null && lane.blockedKeys.contains(h.orderingKey())) {
                continue;
            }
            it.remove();
            lane.active = h;
            ready.add(h);
            return;
        }
        dropIfIdle(lane);
    }

    private void dropIfIdle(Lane lane) {
        if (lane.idle()) {
            lanes.remove(lane.key);
        }
    }
}
