package io.botdelivery.bench.local;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.limiter.local.LocalRateLimiter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Retained heap per active chat: one limiter, {@code N} chats (default 1 000 000) that each just sent, all still
 * inside their interval (the clock is frozen, so none may be evicted). Measures used heap after full GCs before and
 * after, through {@link MemoryMXBean}, and prints bytes per chat.
 *
 * <pre>java -Xms2g -Xmx2g -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.local.LocalLimiterHeapFootprint [chats]</pre>
 */
public final class LocalLimiterHeapFootprint {
    private LocalLimiterHeapFootprint() {
    }

    public static void main(String[] args) {
        int chats = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Clock frozen = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        // a bot-wide budget wide enough that every chat is granted at once: only chat state grows
        RateBudgets budgets = RateBudgets.telegramDefaults().withGlobal(new Budget(2_000_000_000, Duration.ofSeconds(1), 2_000_000_000));

        long before = usedAfterGc();
        LocalRateLimiter limiter = new LocalRateLimiter(budgets, frozen);
        for (int i = 1; i <= chats; i++) {
            if (!(limiter.reserve(RateRequest.of(i), Duration.ZERO) instanceof Reservation.Granted)) {
                throw new IllegalStateException("chat " + i + " was not granted: the measurement needs every chat active");
            }
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(limiter);

        double perChat = (double) (after - before) / chats;
        System.out.printf("active chats: %,d%nretained heap: %,d bytes%nper active chat: %.1f bytes%n", chats, after - before, perChat);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // several rounds: the first GC may leave finalizable or soft-reachable garbage for the next
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
