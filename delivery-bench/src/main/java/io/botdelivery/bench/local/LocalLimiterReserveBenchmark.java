package io.botdelivery.bench.local;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.limiter.local.LocalRateLimiter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cost of one {@link LocalRateLimiter#reserve} call on the system clock, per path through the limiter. Run it with
 * {@code -bm sample} for percentiles and {@code -bm thrpt} for throughput, {@code -t 1} and {@code -t 2} for callers.
 *
 * <ul>
 *   <li>{@code granted}: every call is granted at once. The bot-wide budget is wide (a billion per second) and each
 *       caller cycles through 1M private chats whose budget is one send per millisecond, so a chat is idle again by the
 *       time its turn comes: chat lookup, lane booking, chat update, and the idle-chat sweeps that keep memory bounded.</li>
 *   <li>{@code deniedByChat}: one chat asked again and again; it is busy for an hour, so every call is a chat denial.</li>
 *   <li>{@code telegramDefaults}: Telegram's budgets (30/s) with 1M distinct chats and a zero horizon: after the first
 *       30 each second, calls are denied by the bot-wide budget, which is what an engine polling a saturated limiter sees.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LocalLimiterReserveBenchmark {
    private static final int CHATS_PER_CALLER = 1_000_000;

    @Param({"granted", "deniedByChat", "telegramDefaults"})
    public String path;

    LocalRateLimiter limiter;
    final AtomicInteger callers = new AtomicInteger();

    @Setup(Level.Trial)
    public void createLimiter() {
        RateBudgets budgets = switch (path) {
            case "granted" -> RateBudgets.telegramDefaults()
                    .withGlobal(Budget.perSecond(1_000_000_000))
                    .withPrivateChat(Budget.of(1, Duration.ofMillis(1)));
            case "deniedByChat" -> RateBudgets.telegramDefaults().withPrivateChat(Budget.of(1, Duration.ofHours(1)));
            case "telegramDefaults" -> RateBudgets.telegramDefaults();
            default -> throw new IllegalArgumentException("unknown path " + path);
        };
        limiter = new LocalRateLimiter(budgets, Clock.systemUTC());
    }

    /** Each caller's own range of chat ids, so two callers never contend on one chat. */
    @State(Scope.Thread)
    public static class Caller {
        long firstChat;
        int next;
        boolean oneChat;

        @Setup(Level.Trial)
        public void pickRange(LocalLimiterReserveBenchmark bench) {
            firstChat = 1 + (long) bench.callers.getAndIncrement() * CHATS_PER_CALLER;
            oneChat = "deniedByChat".equals(bench.path);
        }

        RateRequest nextRequest() {
            if (oneChat) {
                return RateRequest.of(firstChat);
            }
            int n = next;
            next = n + 1 == CHATS_PER_CALLER ? 0 : n + 1;
            return RateRequest.of(firstChat + n);
        }
    }

    @Benchmark
    public Reservation reserve(Caller caller) {
        return limiter.reserve(caller.nextRequest(), Duration.ZERO);
    }
}
