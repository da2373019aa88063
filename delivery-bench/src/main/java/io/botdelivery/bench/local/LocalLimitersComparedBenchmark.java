package io.botdelivery.bench.local;

import com.google.common.util.concurrent.RateLimiter;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code limiter-local} against the in-process limiters a user would otherwise reach for, Guava's {@code RateLimiter}
 * and a local Bucket4j {@code Bucket}, in one run, doing the same job: decide one send against a bot-wide limit and the
 * recipient chat's limit, without blocking.
 *
 * <p>Neither library has the notion of two scopes, so each gets what a user would build: one limiter for the bot and
 * one per chat in a {@link ConcurrentHashMap}. The comparison flatters them: Guava cannot give back a permit, so a
 * send the chat refuses still spends a bot-wide permit (not all-or-nothing), Bucket4j gives it back with
 * {@code addTokens}; neither spaces sends into exact slots (both allow a burst of the whole budget after idle time),
 * and neither evicts idle chats (their maps only grow).
 *
 * <ul>
 *   <li>{@code granted}: every call is granted: a bot-wide limit of 10⁹/s, 100k chats per caller in turn at 1000/s
 *       each (a chat's turn comes back after its budget has).</li>
 *   <li>{@code denied}: Telegram's 30/s for the bot, distinct chats: after the first permits of each second, every
 *       call is refused by the bot-wide limit, what a saturated bot asks most.</li>
 * </ul>
 *
 * <pre>java -jar delivery-bench/target/benchmarks.jar LocalLimitersComparedBenchmark -bm avgt -tu ns -t 1 -f 1 -wi 3 -w 1s -i 5 -r 1s</pre>
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LocalLimitersComparedBenchmark {
    private static final int CHATS_PER_CALLER = 100_000;

    @Param({"botDelivery", "guava", "bucket4j"})
    public String limiter;

    @Param({"granted", "denied"})
    public String path;

    private Decider decider;
    final AtomicInteger callers = new AtomicInteger();

    /** One send's decision: true when it may go. */
    interface Decider {
        boolean trySend(long chatId);
    }

    @Setup(Level.Trial)
    public void create() {
        double global = "granted".equals(path) ? 1e9 : 30;
        double perChat = "granted".equals(path) ? 1000 : 1;
        decider = switch (limiter) {
            case "botDelivery" -> botDelivery(global, perChat);
            case "guava" -> guava(global, perChat);
            case "bucket4j" -> bucket4j(global, perChat);
            default -> throw new IllegalArgumentException("unknown limiter " + limiter);
        };
    }

    private static Decider botDelivery(double global, double perChat) {
        RateBudgets budgets = RateBudgets.telegramDefaults()
                .withGlobal(Budget.perSecond((int) global))
                .withPrivateChat(Budget.of(1, Duration.ofNanos((long) (1e9 / perChat))));
        LocalRateLimiter local = new LocalRateLimiter(budgets, Clock.systemUTC());
        return chatId -> local.reserve(RateRequest.of(chatId), Duration.ZERO) instanceof Reservation.Granted;
    }

    private static Decider guava(double global, double perChat) {
        RateLimiter bot = RateLimiter.create(global);
        ConcurrentHashMap<Long, RateLimiter> chats = new ConcurrentHashMap<>();
        return chatId -> bot.tryAcquire() && chats.computeIfAbsent(chatId, id -> RateLimiter.create(perChat)).tryAcquire();
    }

    private static Decider bucket4j(double global, double perChat) {
        Bucket bot = bucket((long) global);
        ConcurrentHashMap<Long, Bucket> chats = new ConcurrentHashMap<>();
        long chatPermits = (long) perChat;
        return chatId -> {
            if (!bot.tryConsume(1)) {
                return false;
            }
            if (chats.computeIfAbsent(chatId, id -> bucket(chatPermits)).tryConsume(1)) {
                return true;
            }
            bot.addTokens(1);
            return false;
        };
    }

    private static Bucket bucket(long perSecond) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
    }

    /** Each caller's own range of chat ids, so two callers never contend on one chat. */
    @State(Scope.Thread)
    public static class Caller {
        long firstChat;
        int next;

        @Setup(Level.Trial)
        public void pickRange(LocalLimitersComparedBenchmark bench) {
            firstChat = 1 + (long) bench.callers.getAndIncrement() * CHATS_PER_CALLER;
        }

        long nextChat() {
            int n = next;
            next = n + 1 == CHATS_PER_CALLER ? 0 : n + 1;
            return firstChat + n;
        }
    }

    @Benchmark
    public boolean decide(Caller caller) {
        return decider.trySend(caller.nextChat());
    }
}
