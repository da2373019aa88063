package io.botdelivery.limiter.redis;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The in-process stand-in used while Redis is out ({@link OutagePolicy#LOCAL_SHARE}): the GCRA arithmetic of
 * {@code limiter.lua} ({@link GcraRate}), on this instance's share of the budgets and the injected clock. Its lanes are
 * plain GCRA without gap filling: simpler, and it only errs on the slow side, which suits a degraded mode. It also remembers 429 pauses,
 * so they hold through an outage and can be handed back to Redis afterwards. State of idle chats is dropped, so
 * memory stays bounded. Thread-safe (one lock: it only serves while Redis is out).
 */
final class LocalGcra {
    private static final long SWEEP_EVERY_MICROS = 1_000_000;

    private final GcraRate global;
    private final GcraRate paid;
    private final GcraRate privateChat;
    private final GcraRate groupChat;
    private final Map<Long, ChatState> chats = new HashMap<>();
    private long globalTat;
    private long paidTat;
    private long globalPause;
    private long lastSweep;

    LocalGcra(RateBudgets share) {
        this.global = GcraRate.of(share.global());
        this.paid = GcraRate.of(share.paidBroadcast());
        this.privateChat = GcraRate.of(share.privateChat());
        this.groupChat = GcraRate.of(share.groupChat());
    }

    private static final class ChatState {
        long tat;
        long pause;
    }

    synchronized Decision reserve(RateRequest request, long horizonMicros, long now) {
        sweep(now);
        GcraRate lane = request.paidBroadcast() ? paid : global;
        GcraRate chatRate = request.isGroupChat() ? groupChat : privateChat;
        long laneTat = request.paidBroadcast() ? paidTat : globalTat;
        ChatState chat = chats.get(request.chatId());
        long chatTat = chat == null ? 0 : chat.tat;
        long chatPause = chat == null ? 0 : chat.pause;

        int weight = request.weight();
        // the lanes are plain GCRA here (no gap filling): simpler, and it only errs on the slow side
        long laneAt = lane.earliest(laneTat, Math.max(now, globalPause), weight);
        long chatAt = chatRate.earliest(chatTat, Math.max(now, chatPause), weight);
        long at = Math.max(laneAt, chatAt);
        if (at - now > horizonMicros) {
            LimitScope scope = chatAt > laneAt ? LimitScope.chat(request.chatId()) : LimitScope.global();
            return new Decision(Reservation.denied(Micros.toDuration(at - now - horizonMicros), scope),
                    Decision.Source.LOCAL, now);
        }
        long newLaneTat = lane.advance(laneTat, at, weight);
        if (request.paidBroadcast()) {
            paidTat = newLaneTat;
        } else {
            globalTat = newLaneTat;
        }
        chats.computeIfAbsent(request.chatId(), id -> new ChatState()).tat = chatRate.advance(chatTat, at, weight);
        return new Decision(Reservation.granted(Micros.toDuration(at - now)), Decision.Source.LOCAL, now);
    }

    /** No slot in {@code scope} before {@code until}; a shorter pause never shortens a longer one. */
    synchronized void pause(LimitScope scope, long until, long now) {
        sweep(now);
        if (scope.isGlobal()) {
            globalPause = Math.max(globalPause, until);
        } else {
            ChatState chat = chats.computeIfAbsent(scope.chatId(), id -> new ChatState());
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
     * a local slot before one of its own shared ones.
     */
    synchronized void continueAfter(long globalLaneEnd, long paidLaneEnd, Map<Long, Long> chatEnds) {
        globalTat = Math.max(globalTat, globalLaneEnd);
        paidTat = Math.max(paidTat, paidLaneEnd);
        chatEnds.forEach((chatId, end) -> {
            ChatState chat = chats.computeIfAbsent(chatId, id -> new ChatState());
            chat.tat = Math.max(chat.tat, end);
        });
    }

    /**
     * The end of this instance's local schedule for a request's scopes: back on Redis, its slots must come after the
     * ones granted here.
     */
    synchronized long scheduledUntil(RateRequest request) {
        long lane = request.paidBroadcast() ? paidTat : globalTat;
        ChatState chat = chats.get(request.chatId());
        return Math.max(lane, chat == null ? 0 : chat.tat);
    }

    /** The end of the whole local schedule. */
    synchronized long scheduledUntil() {
        long end = Math.max(globalTat, paidTat);
        for (ChatState chat : chats.values()) {
            end = Math.max(end, chat.tat);
        }
        return end;
    }

    synchronized int trackedChats() {
        return chats.size();
    }

    private void sweep(long now) {
        if (now - lastSweep < SWEEP_EVERY_MICROS) {
            return;
        }
        lastSweep = now;
        for (Iterator<Map.Entry<Long, ChatState>> it = chats.entrySet().iterator(); it.hasNext(); ) {
            ChatState chat = it.next().getValue();
            // a chat whose schedule and pause have both passed behaves exactly like one never seen
            if (chat.tat <= now && chat.pause <= now) {
                it.remove();
            }
        }
    }
}
