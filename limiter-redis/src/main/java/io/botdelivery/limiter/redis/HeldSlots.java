package io.botdelivery.limiter.redis;

import io.botdelivery.core.ratelimit.WindowRule;
import io.botdelivery.core.spi.RateRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ends of the slots this instance holds from Redis (injected-clock µs, each slot's end counted at this instance's
 * local share): if Redis goes, the local schedule starts after them, so no chat and no lane gets a local slot on top of
 * one already granted. Entries in the past are dropped about once a second. Thread-safe and lock-free.
 */
final class HeldSlots {
    private static final long SWEEP_EVERY_MICROS = 1_000_000;

    private final WindowRule globalShare;
    private final WindowRule paidShare;
    private final WindowRule privateChatShare;
    private final WindowRule groupChatShare;
    private final AtomicLong globalEnd = new AtomicLong();
    private final AtomicLong paidEnd = new AtomicLong();
    private final ConcurrentHashMap<Long, Long> chatEnds = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong();

    HeldSlots(io.botdelivery.core.spi.RateBudgets share) {
        this.globalShare = LocalWindows.rule(share.global());
        this.paidShare = LocalWindows.rule(share.paidBroadcast());
        this.privateChatShare = LocalWindows.rule(share.privateChat());
        this.groupChatShare = LocalWindows.rule(share.groupChat());
    }

    /** Records a slot granted by Redis starting at {@code slot}; {@code now} is the injected clock's time. */
    void granted(RateRequest request, long slot, long now) {
        int weight = request.weight();
        WindowRule lane = request.paidBroadcast() ? paidShare : globalShare;
        WindowRule chat = request.isGroupChat() ? groupChatShare : privateChatShare;
        (request.paidBroadcast() ? paidEnd : globalEnd).accumulateAndGet(slot + weight * lane.interval(), Math::max);
        chatEnds.merge(request.chatId(), slot + weight * chat.interval(), Math::max);
        long last = lastSweep.get();
        if (now - last >= SWEEP_EVERY_MICROS && lastSweep.compareAndSet(last, now)) {
            chatEnds.values().removeIf(end -> end <= now);
        }
    }

    /** Makes {@code local} schedule nothing before these slots end. */
    void handTo(LocalWindows local) {
        local.continueAfter(globalEnd.get(), paidEnd.get(), Map.copyOf(chatEnds));
    }

    int trackedChats() {
        return chatEnds.size();
    }
}
