package io.botdelivery.limiter.redis;

import io.botdelivery.core.ratelimit.GrantLog;
import io.botdelivery.core.ratelimit.WindowRule;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The in-process stand-in used while Redis is out ({@link OutagePolicy#LOCAL_SHARE}): the same exact-window rule as
 * {@code limiter.lua} and limiter-local ({@link GrantLog}, {@link WindowRule}), on this instance's share of the
 * budgets, in the injected clock's microseconds. It also remembers 429 pauses, so they hold through an outage and can be
 * handed back to Redis afterwards. State of idle chats is dropped, so memory stays bounded. Thread-safe (one lock: it
 * only serves while Redis is out).
 */
final class LocalWindows {
    private static final long SWEEP_EVERY_MICROS = 1_000_000;
    private static final long NEVER = Long.MIN_VALUE / 4;

    private final WindowRule privateChat;
    private final WindowRule groupChat;
    private final Scope global;
    private final Scope paid;
    private final Map<Long, Scope> chats = new HashMap<>();
    private long globalPause = NEVER;
    private long lastSweep;

    LocalWindows(RateBudgets share) {
        this.global = new Scope(rule(share.global()));
        this.paid = new Scope(rule(share.paidBroadcast()));
        this.privateChat = rule(share.privateChat());
        this.groupChat = rule(share.groupChat());
    }

    static WindowRule rule(Budget budget) {
        return WindowRule.of(budget, TimeUnit.MICROSECONDS);
    }

    /** A scope's grants, the time its schedule may not start before (a hand-over from Redis), and its pause. */
    private static final class Scope {
        final GrantLog log;
        long floor = NEVER;
        long pause = NEVER;

        Scope(WindowRule rule) {
            this.log = new GrantLog(rule, 2);
        }

        long from(long now) {
            return Math.max(now, Math.max(floor, pause));
        }

        /** When this scope's schedule ends: after its last grant's interval, or its hand-over floor. */
        long end() {
            return Math.max(floor, log.lastStamp() + log.rule().interval());
        }

        boolean isIdle(long now) {
            return floor <= now && pause <= now && log.isIdle(now);
        }
    }

    synchronized Decision reserve(RateRequest request, long horizonMicros, long now) {
        sweep(now);
        Scope lane = request.paidBroadcast() ? paid : global;
        Scope chat = chats.computeIfAbsent(request.chatId(), this::newChat);
        int weight = request.weight();
        long laneFrom = Math.max(lane.from(now), globalPause);
        long chatFrom = chat.from(now);
        long slot = Math.max(laneFrom, chatFrom);
        while (true) {
            long chatSlot = chat.log.earliest(now, slot, weight);
            long laneSlot = lane.log.earliest(now, chatSlot, weight);
            if (laneSlot == chatSlot) {
                slot = laneSlot;
                break;
            }
            slot = laneSlot;
        }
        if (slot - now > horizonMicros) {
            long chatAlone = chat.log.earliest(now, chatFrom, weight);
            long laneAlone = lane.log.earliest(now, laneFrom, weight);
            LimitScope scope = chatAlone > now + horizonMicros && laneAlone <= chatAlone
                    ? LimitScope.chat(request.chatId()) : LimitScope.global();
            return new Decision(Reservation.denied(Micros.toDuration(slot - now - horizonMicros), scope),
                    Decision.Source.LOCAL, now);
        }
        lane.log.add(slot, weight);
        chat.log.add(slot, weight);
        return new Decision(Reservation.granted(Micros.toDuration(slot - now)), Decision.Source.LOCAL, now);
    }

    /** No slot in {@code scope} before {@code until}; a shorter pause never shortens a longer one. */
    synchronized void pause(LimitScope scope, long until, long now) {
        sweep(now);
        if (scope.isGlobal()) {
            globalPause = Math.max(globalPause, until);
        } else {
            Scope chat = chats.computeIfAbsent(scope.chatId(), this::newChat);
            chat.pause = Math.max(chat.pause, until);
        }
    }

    /** Until when the bot-wide pause this instance knows of holds (a past time when none does). */
    synchronized long globalPauseUntil() {
        return globalPause;
    }

    /** Pauses still in force at {@code now}, with the time each ends. */
    synchronized Map<LimitScope, Long> pausesInForce(long now) {
        Map<LimitScope, Long> result = new HashMap<>();
        if (globalPause > now) {
            result.put(LimitScope.global(), globalPause);
        }
        chats.forEach((chatId, chat) -> {
            if (chat.pause > now) {
                result.put(LimitScope.chat(chatId), chat.pause);
            }
        });
        return result;
    }

    /**
     * Starts the local schedule after what this instance was already granted through Redis, so taking over never puts
     * a local slot before the end of one of its own shared ones.
     */
    synchronized void continueAfter(long globalLaneEnd, long paidLaneEnd, Map<Long, Long> chatEnds) {
        global.floor = Math.max(global.floor, globalLaneEnd);
        paid.floor = Math.max(paid.floor, paidLaneEnd);
        chatEnds.forEach((chatId, end) -> {
            Scope chat = chats.computeIfAbsent(chatId, this::newChat);
            chat.floor = Math.max(chat.floor, end);
        });
    }

    /**
     * The end of this instance's local schedule for a request's scopes: back on Redis, its slots must come after the
     * ones granted here.
     */
    synchronized long scheduledUntil(RateRequest request) {
        long lane = (request.paidBroadcast() ? paid : global).end();
        Scope chat = chats.get(request.chatId());
        return Math.max(lane, chat == null ? 0 : chat.end());
    }

    /** The end of the whole local schedule. */
    synchronized long scheduledUntil() {
        long end = Math.max(global.end(), paid.end());
        for (Scope chat : chats.values()) {
            end = Math.max(end, chat.end());
        }
        return end;
    }

    synchronized int trackedChats() {
        return chats.size();
    }

    private Scope newChat(long chatId) {
        return new Scope(chatId < 0 ? groupChat : privateChat);
    }

    private void sweep(long now) {
        if (now - lastSweep < SWEEP_EVERY_MICROS) {
            return;
        }
        lastSweep = now;
        for (Iterator<Map.Entry<Long, Scope>> it = chats.entrySet().iterator(); it.hasNext(); ) {
            // a chat whose grants, pause and hand-over have all passed behaves exactly like one never seen
            if (it.next().getValue().isIdle(now)) {
                it.remove();
            }
        }
    }
}
