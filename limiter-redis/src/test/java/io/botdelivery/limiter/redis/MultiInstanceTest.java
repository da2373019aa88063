package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three instances of the bot, each with its own Redisson client and a clock that is seconds off the others, hammer one
 * Redis with 16 sender threads each. The slots they are granted, on the Redis server's time line, never exceed the
 * global, chat or group budget in any sliding window, and keep the global budget busy.
 */
@DisplayName("Three instances sharing one Redis")
class MultiInstanceTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    private static final int INSTANCES = 3;
    private static final int THREADS_PER_INSTANCE = 16;
    /**
     * Telegram's shape scaled up in rate (global) and down in time (groups: 20 per 2 s instead of per minute). 80 per
     * second keeps the 48 threads able to book the lane a whole horizon ahead, so a busy machine's scheduling hiccups
     * do not leave it idle.
     */
    private static final RateBudgets BUDGETS = new RateBudgets(
            Budget.perSecond(80),
            Budget.perSecond(1),
            Budget.of(20, Duration.ofSeconds(2)),
            Budget.perSecond(1000));
    private static final Duration RUN = Duration.ofSeconds(4);
    private static final Duration HORIZON = Duration.ofMillis(500);
    private static final long[] SKEWS_MILLIS = {-3_000, 0, 4_500};
    private static final int PRIVATE_CHATS = 400;
    private static final int GROUPS = 2;

    private final List<RedisRateLimiter> limiters = new ArrayList<>();
    private final SlotLog log = new SlotLog();
    private final AtomicInteger denials = new AtomicInteger();

    @BeforeEach
    void startInstances() {
        String bot = "multi-" + System.nanoTime();
        for (int i = 0; i < INSTANCES; i++) {
            RedisRateLimiterConfig config = RedisRateLimiterConfig.builder(bot)
                    .address(REDIS.address())
                    .budgets(BUDGETS)
                    .build();
            Clock skewed = Clock.offset(Clock.systemUTC(), Duration.ofMillis(SKEWS_MILLIS[i]));
            RedisRateLimiter limiter = RedisRateLimiter.create(config, skewed, new SimpleMeterRegistry());
            // connect before the stampede: 48 threads opening 3 pools at once on a busy machine can exceed the 500 ms
            // response timeout, which (rightly) counts as an outage
            limiter.reserve(RateRequest.of(Long.MAX_VALUE), Duration.ZERO);
            limiters.add(limiter);
        }
    }

    @AfterEach
    void stopInstances() {
        limiters.forEach(RedisRateLimiter::close);
    }

    @Nested
    @DisplayName("hammered by 48 sender threads with skewed clocks")
    class Hammered {

        @Test
        @DisplayName("never exceed the global, chat or group budget in any window, and use at least 95% of the global one")
        void keepEveryBudgetAndUseTheGlobalOne() throws Exception {
            long runStart = hammer();

            log.assertWithin(SlotLog.Key.lane(), BUDGETS.global());
            List<SlotLog.Key> chats = log.chatKeys();
            assertThat(chats.size()).as("chats that got slots").isGreaterThan(PRIVATE_CHATS / 4);
            for (SlotLog.Key chat : chats) {
                boolean group = chat.name().startsWith("chat -");
                log.assertWithin(chat, group ? BUDGETS.groupChat() : BUDGETS.privateChat());
            }
            for (int g = 1; g <= GROUPS; g++) {
                assertThat(log.busiestWindow(SlotLog.Key.chat(-g), 2_000_000))
                        .as("group %d is busy enough for its window to matter", -g)
                        .isGreaterThanOrEqualTo(BUDGETS.groupChat().permits() / 2);
            }

            // the middle of the run, away from the ramp-up and the end, where every thread is busy
            long from = runStart + 500_000;
            long to = runStart + RUN.toNanos() / 1_000 - 500_000;
            double expected = BUDGETS.global().permits() * (to - from) / 1_000_000.0;
            double utilisation = log.unitsBetween(SlotLog.Key.lane(), from, to) / expected;
            System.out.printf("multi-instance: utilisation %.3f, %d denials, %d chats%n", utilisation, denials.get(), chats.size());
            assertThat(utilisation).as("share of the global budget used").isGreaterThanOrEqualTo(0.95);
            assertThat(denials.get()).as("denials: the chats and groups did push back").isPositive();
        }
    }

    @Nested
    @DisplayName("after one instance is answered 429")
    class SharedPause {

        @Test
        @DisplayName("every instance sees the bot-wide pause within its pause read interval, whatever its clock says, so sends already granted wait")
        void everyInstanceSeesTheGlobalPause() {
            assertThat(limiters).allSatisfy(l -> assertThat(l.globalPause()).isZero());

            limiters.get(0).penalize(LimitScope.global(), Duration.ofSeconds(5));

            // the instance that took the 429 knows at once; the others read Redis at most 50 ms late (the default)
            assertThat(limiters.get(0).globalPause()).isBetween(Duration.ofMillis(4_900), Duration.ofSeconds(5));
            Awaitility.await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (RedisRateLimiter other : limiters) {
                    // Redis keeps one clock for all: skews of -3 s and +4.5 s do not shorten or lengthen the pause
                    assertThat(other.globalPause()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
                }
            });
        }

        @Test
        @DisplayName("a chat's penalty is not a bot-wide pause")
        void chatPenaltyIsNotGlobal() {
            limiters.get(1).penalize(LimitScope.chat(-7), Duration.ofSeconds(5));

            assertThat(limiters).allSatisfy(l -> assertThat(l.globalPause()).isZero());
        }
    }

    /** Runs every sender thread for {@link #RUN}; returns the run's start on the Redis server's clock (µs). */
    private long hammer() throws Exception {
        long runStart = serverNowMicros();
        long deadline = System.nanoTime() + RUN.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES * THREADS_PER_INSTANCE);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int i = 0; i < INSTANCES * THREADS_PER_INSTANCE; i++) {
                RedisRateLimiter limiter = limiters.get(i % INSTANCES);
                Random random = new Random(i);
                senders.add(pool.submit(() -> sendUntil(limiter, random, deadline)));
            }
            for (Future<?> sender : senders) {
                sender.get(RUN.toSeconds() + 30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return runStart;
    }

    /**
     * A sender, like the engine's dispatcher: reserve, wait for the slot, repeat; a chat that must wait is set aside
     * (the next request goes to another chat), a global denial waits its retryIn.
     */
    private Void sendUntil(RedisRateLimiter limiter, Random random, long deadline) {
        while (System.nanoTime() < deadline) {
            RateRequest request = nextRequest(random);
            Decision decision = limiter.decide(request, HORIZON).join();
            long waitNanos;
            if (decision.reservation() instanceof Reservation.Granted granted) {
                log.granted(request, decision.slotMicros());
                waitNanos = granted.delay().toNanos();
            } else {
                denials.incrementAndGet();
                Reservation.Denied denied = (Reservation.Denied) decision.reservation();
                waitNanos = denied.scope().isGlobal() ? denied.retryIn().toNanos() : 0;
            }
            LockSupport.parkNanos(Math.min(waitNanos, Math.max(0, deadline - System.nanoTime())));
        }
        return null;
    }

    private static RateRequest nextRequest(Random random) {
        boolean group = random.nextInt(4) == 0;
        long chat = group ? -(1 + random.nextInt(GROUPS)) : 1 + random.nextInt(PRIVATE_CHATS);
        int weight = random.nextInt(10) == 0 ? 2 + random.nextInt(2) : 1;
        return new RateRequest(chat, weight, false);
    }

    private long serverNowMicros() {
        @SuppressWarnings("unchecked")
        List<Object> time = (List<Object>) REDIS.command("TIME");
        return Long.parseLong((String) time.get(0)) * 1_000_000 + Long.parseLong((String) time.get(1));
    }
}
