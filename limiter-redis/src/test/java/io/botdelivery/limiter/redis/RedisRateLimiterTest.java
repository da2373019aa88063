package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the contract cannot see: the Redis side (keys, expiry, scripts) and more than one instance. */
@DisplayName("RedisRateLimiter")
class RedisRateLimiterTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    private static final Duration HORIZON = Duration.ofSeconds(2);

    private final String bot = "unit-" + System.nanoTime();
    private final List<RedisRateLimiter> limiters = new ArrayList<>();

    @AfterEach
    void close() {
        limiters.forEach(RedisRateLimiter::close);
    }

    private RedisRateLimiter limiter(RateBudgets budgets, MeterRegistry registry) {
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder(bot).address(REDIS.address()).budgets(budgets)
                .build();
        RedisRateLimiter limiter = RedisRateLimiter.create(config, Clock.systemUTC(), registry);
        limiters.add(limiter);
        // the tests that flush the script must not race the limiter's warm-up
        limiter.warmedUp().join();
        return limiter;
    }

    private RedisRateLimiter limiter() {
        return limiter(RateBudgets.telegramDefaults(), new SimpleMeterRegistry());
    }

    @Nested
    @DisplayName("shared 429 pauses")
    class SharedPauses {

        @Test
        @DisplayName("a chat pause received by one instance holds that chat, and only it, on another")
        void chatPauseIsShared() {
            RedisRateLimiter one = limiter();
            RedisRateLimiter other = limiter();

            one.penalize(LimitScope.chat(5), Duration.ofSeconds(10));

            Reservation paused = other.reserve(RateRequest.of(5), HORIZON);
            assertThat(paused).isInstanceOf(Reservation.Denied.class);
            assertThat(((Reservation.Denied) paused).scope()).isEqualTo(LimitScope.chat(5));
            assertThat(((Reservation.Denied) paused).retryIn()).isGreaterThan(Duration.ofSeconds(7));
            assertThat(other.reserve(RateRequest.of(6), HORIZON)).isEqualTo(Reservation.granted(Duration.ZERO));
        }

        @Test
        @DisplayName("a global pause received by one instance holds every chat and the paid lane on another")
        void globalPauseIsShared() {
            RedisRateLimiter one = limiter();
            RedisRateLimiter other = limiter();

            one.penalize(LimitScope.global(), Duration.ofSeconds(10));

            for (RateRequest request : List.of(RateRequest.of(7), RateRequest.of(-7), new RateRequest(8, 1, true))) {
                Reservation reservation = other.reserve(request, HORIZON);
                assertThat(reservation).as("%s", request).isInstanceOf(Reservation.Denied.class);
                assertThat(((Reservation.Denied) reservation).scope()).isEqualTo(LimitScope.global());
            }
        }
    }

    @Nested
    @DisplayName("keys")
    class Keys {

        @Test
        @DisplayName("all carry the bot's hash tag and an expiry")
        void hashTaggedWithTtl() {
            RedisRateLimiter limiter = limiter();
            limiter.reserve(RateRequest.of(11), HORIZON);
            limiter.reserve(RateRequest.of(11), HORIZON);
            limiter.reserve(new RateRequest(12, 1, true), HORIZON);
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(3));

            List<String> keys = REDIS.keys("*" + bot + "*");
            assertThat(keys).isNotEmpty().allMatch(key -> key.startsWith("{bot:" + bot + "}:"));
            for (String key : keys) {
                assertThat((Long) REDIS.command("PTTL", key)).as("TTL of %s", key).isPositive();
            }
        }

        @Test
        @DisplayName("a chat leaves no key two windows after its last send, nor does its lane one lane window later")
        void idleChatLeavesNothing() {
            Budget chatBudget = Budget.of(1, Duration.ofMillis(300));
            RateBudgets budgets = RateBudgets.telegramDefaults().withPrivateChat(chatBudget);
            RedisRateLimiter limiter = limiter(budgets, new SimpleMeterRegistry());
            String chatKeys = "{bot:" + bot + "}:chat:77*";

            Duration lastDelay = Duration.ZERO;
            for (int i = 0; i < 3; i++) {
                lastDelay = ((Reservation.Granted) limiter.reserve(RateRequest.of(77), HORIZON)).delay();
            }
            long lastSendNanos = System.nanoTime() + lastDelay.toNanos();
            limiter.penalize(LimitScope.chat(77), Duration.ofMillis(200));
            assertThat(REDIS.keys(chatKeys)).isNotEmpty();

            Duration twoWindows = chatBudget.window().multipliedBy(2);
            await().atMost(Duration.ofNanos(lastSendNanos + twoWindows.toNanos() - System.nanoTime()))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> REDIS.keys(chatKeys).isEmpty());
            // the lane keeps each message's stamp for its own window (1 s), to count that window exactly
            Duration laneWindowAndSlack = budgets.global().window().plus(chatBudget.window());
            await().atMost(Duration.ofNanos(lastSendNanos + laneWindowAndSlack.toNanos() - System.nanoTime()))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> REDIS.keys("{bot:" + bot + "}:*").isEmpty());
        }
    }

    @Nested
    @DisplayName("the script")
    class Script {

        @Test
        @DisplayName("is loaded once and then called by its SHA")
        void calledBySha() {
            MeterRegistry registry = new SimpleMeterRegistry();
            RedisRateLimiter limiter = limiter(RateBudgets.telegramDefaults(), registry);
            REDIS.command("SCRIPT", "FLUSH");
            long evalShaBefore = commandCalls("evalsha");

            for (int chat = 1; chat <= 20; chat++) {
                limiter.reserve(RateRequest.of(chat), HORIZON);
            }

            assertThat(registry.get(LimiterMetrics.SCRIPT_LOADS).counter().count()).isEqualTo(1);
            assertThat(commandCalls("evalsha") - evalShaBefore).as("EVALSHA calls").isEqualTo(21);
        }

        @Test
        @DisplayName("is loaded, and the connection pool opened, when the limiter is created: the first burst waits for neither")
        void warmedUpAtCreation() {
            REDIS.command("SCRIPT", "FLUSH");
            int clientsBefore = clients();
            MeterRegistry registry = new SimpleMeterRegistry();
            RedisRateLimiter limiter = limiter(RateBudgets.telegramDefaults(), registry);

            // a client that connected on first use opened its pool during the first decisions
            await().atMost(Duration.ofSeconds(10)).until(() -> clients() - clientsBefore >= 64);
            assertThat(limiter.reserve(RateRequest.of(1), HORIZON)).isInstanceOf(Reservation.Granted.class);
            assertThat(registry.get(LimiterMetrics.SCRIPT_LOADS).counter().count()).as("loads after a NOSCRIPT").isZero();
        }

        private int clients() {
            return (int) String.valueOf(REDIS.command("CLIENT", "LIST")).lines().count();
        }

        @Test
        @DisplayName("is loaded again, transparently, when Redis has lost it (NOSCRIPT)")
        void reloadedAfterNoScript() {
            MeterRegistry registry = new SimpleMeterRegistry();
            RedisRateLimiter limiter = limiter(RateBudgets.telegramDefaults(), registry);
            limiter.reserve(RateRequest.of(1), HORIZON);
            double loads = registry.get(LimiterMetrics.SCRIPT_LOADS).counter().count();

            REDIS.command("SCRIPT", "FLUSH");

            assertThat(limiter.reserve(RateRequest.of(2), HORIZON)).isInstanceOf(Reservation.Granted.class);
            assertThat(registry.get(LimiterMetrics.SCRIPT_LOADS).counter().count()).isEqualTo(loads + 1);
            assertThat(limiter.mode()).isEqualTo(RedisRateLimiter.Mode.REDIS);
        }

        @Test
        @DisplayName("serves many concurrent async calls after a flush with one load")
        void concurrentReloadLoadsOnce() {
            MeterRegistry registry = new SimpleMeterRegistry();
            RedisRateLimiter limiter = limiter(RateBudgets.telegramDefaults(), registry);
            limiter.reserve(RateRequest.of(1), HORIZON);
            REDIS.command("SCRIPT", "FLUSH");

            List<CompletableFuture<Reservation>> calls = new ArrayList<>();
            for (int chat = 100; chat < 164; chat++) {
                calls.add(limiter.reserveAsync(RateRequest.of(chat), Duration.ofMinutes(1)));
            }

            assertThat(calls).allSatisfy(call -> assertThat(call.join()).isInstanceOf(Reservation.Granted.class));
            assertThat(registry.get(LimiterMetrics.SCRIPT_LOADS).counter().count()).isLessThanOrEqualTo(2);
        }

        private long commandCalls(String command) {
            String info = (String) REDIS.command("INFO", "commandstats");
            for (String line : info.split("\r\n")) {
                if (line.startsWith("cmdstat_" + command + ":")) {
                    return Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
                }
            }
            return 0;
        }
    }

    @Nested
    @DisplayName("metrics")
    class Metrics {

        @Test
        @DisplayName("count decisions by source and outcome, and show the mode")
        void countDecisions() {
            MeterRegistry registry = new SimpleMeterRegistry();
            RedisRateLimiter limiter = limiter(RateBudgets.telegramDefaults(), registry);

            limiter.reserve(RateRequest.of(3), Duration.ZERO);
            limiter.reserve(RateRequest.of(3), Duration.ZERO);

            assertThat(registry.get(LimiterMetrics.DECISIONS).tags("source", "redis", "outcome", "granted").counter()
                    .count()).isEqualTo(1);
            assertThat(registry.get(LimiterMetrics.DECISIONS).tags("source", "redis", "outcome", "denied").counter()
                    .count()).isEqualTo(1);
            assertThat(registry.get(LimiterMetrics.MODE).tags("mode", "redis").gauge().value()).isEqualTo(1);
            assertThat(registry.get(LimiterMetrics.MODE).tags("mode", "local").gauge().value()).isZero();
        }
    }

    @Nested
    @DisplayName("giving grants back")
    class GivingBack {

        @Test
        @DisplayName("a grant one instance gives back frees its chat for another instance at once")
        void releaseIsShared() {
            RedisRateLimiter one = limiter();
            RedisRateLimiter other = limiter();
            Reservation.Granted missed = (Reservation.Granted) one.reserve(RateRequest.of(7), Duration.ZERO);
            assertThat(other.reserve(RateRequest.of(7), Duration.ZERO)).isInstanceOf(Reservation.Denied.class);

            one.release(RateRequest.of(7), missed);

            assertThat(other.reserve(RateRequest.of(7), Duration.ZERO)).isEqualTo(Reservation.granted(Duration.ZERO));
        }

        @Test
        @DisplayName("an album given back frees every item, the ones booked a window later included")
        void albumIsGivenBackWhole() {
            MutableClock clock = MutableClock.at("2026-05-01T00:00:00Z");
            RateBudgets budgets = RateBudgets.telegramDefaults().withGlobal(new Budget(2, Duration.ofSeconds(1), 2));
            RedisRateLimiter limiter = RedisRateLimiter.create(RedisRateLimiterConfig.builder(bot).address(REDIS.address())
                    .budgets(budgets).timeSource(TimeSource.INJECTED_CLOCK).build(), clock, new SimpleMeterRegistry());
            limiters.add(limiter);
            // 3 items, 2 permits: two stamps now, the third a window later
            Reservation.Granted album = (Reservation.Granted) limiter.reserve(new RateRequest(-5, 3, false), Duration.ZERO);
            clock.advance(Duration.ofMillis(1500));
            assertThat(limiter.reserve(new RateRequest(-6, 2, false), Duration.ZERO)).as("the third item holds a place")
                    .isInstanceOf(Reservation.Denied.class);

            limiter.release(new RateRequest(-5, 3, false), album);

            assertThat(limiter.reserve(new RateRequest(-6, 2, false), Duration.ZERO)).isEqualTo(Reservation.granted(Duration.ZERO));
        }
    }
}
