package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis stops in the middle of a run and comes back as a new process (no keys, no scripts). The limiters must switch
 * within a second, keep to their outage policy, and go back to Redis on their own.
 */
@DisplayName("A Redis outage")
class OutageTest {

    /** Its own server, always embedded: these tests stop and restart it. */
    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embedded();

    private static final Duration SWITCH_WITHIN = Duration.ofSeconds(1);
    private static final Duration HORIZON = Duration.ofMillis(300);

    private final List<RedisRateLimiter> limiters = new ArrayList<>();
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final String bot = "outage-" + System.nanoTime();

    @BeforeEach
    void redisIsUp() {
        if (!REDIS.isRunning()) {
            REDIS.restart();
        }
    }

    @AfterEach
    void closeLimiters() {
        limiters.forEach(RedisRateLimiter::close);
    }

    private RedisRateLimiter limiter(OutagePolicy policy, int instanceCount, RateBudgets budgets) {
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder(bot)
                .address(REDIS.address())
                .budgets(budgets)
                .outagePolicy(policy)
                .instanceCount(instanceCount)
                .build();
        MeterRegistry registry = new SimpleMeterRegistry();
        RedisRateLimiter limiter = RedisRateLimiter.create(config, Clock.systemUTC(), registry);
        limiter.reserve(RateRequest.of(Long.MAX_VALUE), Duration.ZERO); // connected and script loaded before the run
        limiters.add(limiter);
        registries.add(registry);
        return limiter;
    }

    @Test
    @DisplayName("redisAnswers tells within its timeout that Redis is gone, while an idle limiter's mode still says REDIS")
    void healthProbe() {
        RedisRateLimiter limiter = limiter(OutagePolicy.FAIL_CLOSED, 1, RateBudgets.telegramDefaults());
        assertThat(limiter.redisAnswers(Duration.ofSeconds(2))).isTrue();

        REDIS.stop();
        assertThat(limiter.redisAnswers(Duration.ofMillis(500))).as("Redis stopped").isFalse();
        assertThat(limiter.mode()).as("no decision failed yet, so the mode has not moved").isEqualTo(RedisRateLimiter.Mode.REDIS);

        REDIS.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> limiter.redisAnswers(Duration.ofSeconds(1)));
    }

    /** One call: when it started and ended (nanoTime), and what came back. */
    record Call(long startNanos, long endNanos, Decision decision, RuntimeException failure) {
    }

    /** Sender threads that reserve, wait for the slot, and record every call, until stopped. */
    private static final class Senders implements AutoCloseable {
        private final ExecutorService pool;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Future<?>> futures = new ArrayList<>();

        Senders(List<RedisRateLimiter> limiters, int threadsEach, List<ConcurrentLinkedQueue<Call>> calls) {
            pool = Executors.newFixedThreadPool(limiters.size() * threadsEach);
            for (int i = 0; i < limiters.size(); i++) {
                for (int t = 0; t < threadsEach; t++) {
                    RedisRateLimiter limiter = limiters.get(i);
                    ConcurrentLinkedQueue<Call> log = calls.get(i);
                    Random random = new Random(i * 100L + t);
                    futures.add(pool.submit(() -> loop(limiter, log, random)));
                }
            }
        }

        private Void loop(RedisRateLimiter limiter, ConcurrentLinkedQueue<Call> log, Random random) {
            while (running.get()) {
                RateRequest request = RateRequest.of(1 + random.nextInt(1_000));
                long start = System.nanoTime();
                long waitNanos;
                try {
                    Decision decision = limiter.decide(request, HORIZON).join();
                    log.add(new Call(start, System.nanoTime(), decision, null));
                    waitNanos = decision.reservation() instanceof Reservation.Granted g ? g.delay().toNanos()
                            : ((Reservation.Denied) decision.reservation()).retryIn().toNanos();
                } catch (CompletionException e) {
                    log.add(new Call(start, System.nanoTime(), null, (RuntimeException) e.getCause()));
                    waitNanos = TimeUnit.MILLISECONDS.toNanos(20); // a dispatcher backs off while the limiter is out
                }
                LockSupport.parkNanos(waitNanos);
            }
            return null;
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
    }

    private static List<ConcurrentLinkedQueue<Call>> logs(int n) {
        List<ConcurrentLinkedQueue<Call>> logs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            logs.add(new ConcurrentLinkedQueue<>());
        }
        return logs;
    }

    private static void pause(Duration duration) {
        // the run itself: real senders keep working in real time while the test waits
        LockSupport.parkNanos(duration.toNanos());
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        io.micrometer.core.instrument.Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Nested
    @DisplayName("under FAIL_CLOSED")
    class FailClosed {

        @Test
        @DisplayName("grants nothing while Redis is down, switches within a second, and resumes by itself after a restart")
        void grantsNothingThenResumes() throws Exception {
            RedisRateLimiter limiter = limiter(OutagePolicy.FAIL_CLOSED, 1, RateBudgets.telegramDefaults()
                    .withGlobal(Budget.perSecond(50)));
            MeterRegistry registry = registries.get(0);
            List<ConcurrentLinkedQueue<Call>> calls = logs(1);
            long stoppedAt;
            long restartedAt;
            double loadsBefore = counter(registry, LimiterMetrics.SCRIPT_LOADS);
            try (Senders senders = new Senders(limiters, 4, calls)) {
                pause(Duration.ofMillis(500));
                REDIS.stop();
                // from here on the process is gone (until then it may still answer commands already on its socket)
                stoppedAt = System.nanoTime();
                await().atMost(SWITCH_WITHIN).until(() -> limiter.mode() == RedisRateLimiter.Mode.UNAVAILABLE);
                pause(Duration.ofMillis(1_000));
                restartedAt = System.nanoTime();
                REDIS.restart();
                await().atMost(Duration.ofSeconds(3)).until(() -> limiter.mode() == RedisRateLimiter.Mode.REDIS);
                await().atMost(Duration.ofSeconds(2)).until(() -> calls.get(0).stream()
                        .anyMatch(c -> c.startNanos() > restartedAt && c.decision() != null && c.decision().granted()));
            }

            List<Call> duringOutage = calls.get(0).stream()
                    .filter(c -> c.startNanos() > stoppedAt && c.endNanos() < restartedAt).toList();
            assertThat(duringOutage).as("calls while Redis was down").isNotEmpty();
            assertThat(duringOutage.stream().filter(c -> c.decision() != null).toList())
                    .as("decisions made while Redis was down").isEmpty();
            assertThat(duringOutage).as("every call while Redis was down says the limiter is unavailable")
                    .allMatch(c -> c.failure() instanceof RateLimiterUnavailableException);
            assertThat(counter(registry, LimiterMetrics.SWITCHES, "to", "unavailable")).isEqualTo(1);
            assertThat(counter(registry, LimiterMetrics.SWITCHES, "to", "redis")).isEqualTo(1);
            assertThat(counter(registry, LimiterMetrics.DECISIONS, "outcome", "unavailable")).isPositive();
            assertThat(counter(registry, LimiterMetrics.SCRIPT_LOADS) - loadsBefore)
                    .as("loaded again, once, after the restart flushed it").isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("under LOCAL_SHARE with three instances")
    class LocalShare {
        private final RateBudgets budgets = RateBudgets.telegramDefaults().withGlobal(Budget.perSecond(60));

        private long localGrants(ConcurrentLinkedQueue<Call> log) {
            return log.stream().filter(c -> c.decision() != null && c.decision().granted()
                    && c.decision().source() == Decision.Source.LOCAL).count();
        }

        @Test
        @DisplayName("each instance keeps to a third of the budget while Redis is down, and all go back to Redis after a restart")
        void keepsToItsShareThenGoesBack() throws Exception {
            for (int i = 0; i < 3; i++) {
                limiter(OutagePolicy.LOCAL_SHARE, 3, budgets);
            }
            List<ConcurrentLinkedQueue<Call>> calls = logs(3);
            Budget share = budgets.share(3).global();
            long restartedAt;
            try (Senders senders = new Senders(limiters, 6, calls)) {
                pause(Duration.ofMillis(700));
                REDIS.stop();
                await().atMost(SWITCH_WITHIN)
                        .until(() -> limiters.stream().allMatch(l -> l.mode() == RedisRateLimiter.Mode.LOCAL));
                // a window of its share at least, however slowly this machine runs the senders (was a fixed 2 s)
                pause(Duration.ofMillis(2_000));
                await().atMost(Duration.ofSeconds(20)).until(() -> java.util.stream.IntStream.range(0, 3)
                        .allMatch(i -> localGrants(calls.get(i)) >= share.permits()));
                restartedAt = System.nanoTime();
                REDIS.restart();
                await().atMost(Duration.ofSeconds(3))
                        .until(() -> limiters.stream().allMatch(l -> l.mode() == RedisRateLimiter.Mode.REDIS));
                pause(Duration.ofMillis(700));
            }

            for (int i = 0; i < 3; i++) {
                SlotLog local = new SlotLog();
                calls.get(i).stream()
                        .filter(c -> c.decision() != null && c.decision().granted()
                                && c.decision().source() == Decision.Source.LOCAL)
                        .forEach(c -> local.granted(RateRequest.of(1), c.decision().slotMicros()));
                local.assertWithin(SlotLog.Key.lane(), share);
                assertThat(local.slots(SlotLog.Key.lane()).size()).as("instance %d kept sending alone", i)
                        .isGreaterThanOrEqualTo(share.permits());
                assertThat(calls.get(i)).as("instance %d decides on Redis again after the restart", i)
                        .anyMatch(c -> c.startNanos() > restartedAt && c.decision() != null
                                && c.decision().source() == Decision.Source.REDIS && c.decision().granted());
                assertThat(calls.get(i).stream().filter(c -> c.failure() != null).map(Call::failure).toList())
                        .as("instance %d never failed a call", i).isEmpty();
                assertThat(counter(registries.get(i), LimiterMetrics.SWITCHES, "to", "local")).isEqualTo(1);
                assertThat(counter(registries.get(i), LimiterMetrics.SWITCHES, "to", "redis")).isEqualTo(1);
                assertThat(counter(registries.get(i), LimiterMetrics.DECISIONS, "source", "local", "outcome", "granted"))
                        .isPositive();
            }
        }

        @Test
        @DisplayName("a 429 pause received while Redis is down is handed to Redis when it is back")
        void pausesSurviveTheOutage() {
            RedisRateLimiter first = limiter(OutagePolicy.LOCAL_SHARE, 2, budgets);
            REDIS.stop();
            assertThat(first.reserve(RateRequest.of(5), HORIZON)).isInstanceOf(Reservation.class);
            await().atMost(SWITCH_WITHIN).until(() -> first.mode() == RedisRateLimiter.Mode.LOCAL);

            first.penalize(LimitScope.chat(5), Duration.ofSeconds(30));
            assertThat(first.reserve(RateRequest.of(5), HORIZON)).isInstanceOf(Reservation.Denied.class);
            REDIS.restart();
            await().atMost(Duration.ofSeconds(3)).until(() -> first.mode() == RedisRateLimiter.Mode.REDIS);

            RedisRateLimiter second = limiter(OutagePolicy.LOCAL_SHARE, 2, budgets);
            Reservation reservation = second.reserve(RateRequest.of(5), HORIZON);
            assertThat(reservation).isInstanceOf(Reservation.Denied.class);
            assertThat(((Reservation.Denied) reservation).scope()).isEqualTo(LimitScope.chat(5));
        }
    }
}
