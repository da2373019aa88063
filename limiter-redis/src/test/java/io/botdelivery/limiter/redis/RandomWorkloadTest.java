package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long random workloads replayed on a test clock: thousands of decisions with albums, chat-limited grants that leave
 * gaps in the lane, gap filling and denials (whose folding of past grants must be kept), every window checked exactly.
 */
@DisplayName("A long random workload on the injected clock")
class RandomWorkloadTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    private static final RateBudgets BUDGETS = new RateBudgets(
            Budget.perSecond(100),
            Budget.perSecond(1),
            Budget.of(20, Duration.ofSeconds(2)),
            new Budget(50, Duration.ofSeconds(1), 5));

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("keeps the lane, every chat and every group within budget in every window")
    void keepsEveryWindow(int seed) {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("random-" + seed + "-" + System.nanoTime())
                .address(REDIS.address())
                .budgets(BUDGETS)
                .timeSource(TimeSource.INJECTED_CLOCK)
                .build();
        SlotLog standard = new SlotLog();
        SlotLog paid = new SlotLog();
        int granted = 0;
        try (RedisRateLimiter limiter = RedisRateLimiter.create(config, clock, new SimpleMeterRegistry())) {
            Random random = new Random(seed);
            for (int i = 0; i < 2_000; i++) {
                clock.advance(Duration.ofNanos(random.nextInt(4_000_000)));
                boolean group = random.nextInt(4) == 0;
                long chat = group ? -(1 + random.nextInt(2)) : 1 + random.nextInt(400);
                int weight = random.nextInt(10) == 0 ? 2 + random.nextInt(2) : 1;
                RateRequest request = new RateRequest(chat, weight, random.nextInt(8) == 0);
                Decision decision = limiter.decide(request, Duration.ofMillis(random.nextInt(400))).join();
                if (decision.granted()) {
                    (request.paidBroadcast() ? paid : standard).granted(request, decision.slotMicros());
                    granted++;
                }
            }
        }

        standard.assertWithin(SlotLog.Key.lane(), BUDGETS.global());
        paid.assertWithin(SlotLog.Key.lane(), BUDGETS.paidBroadcast());
        SlotLog all = new SlotLog();
        for (SlotLog lane : new SlotLog[] {standard, paid}) {
            for (SlotLog.Key chat : lane.chatKeys()) {
                lane.slots(chat).forEach(slot -> all.add(chat, slot));
            }
        }
        for (SlotLog.Key chat : all.chatKeys()) {
            all.assertWithin(chat, chat.name().startsWith("chat -") ? BUDGETS.groupChat() : BUDGETS.privateChat());
        }
        assertThat(granted).as("grants").isGreaterThan(300);
        assertThat(standard.busiestWindow(SlotLog.Key.lane(), 1_000_000)).as("the lane was pushed near its budget")
                .isGreaterThanOrEqualTo(BUDGETS.global().permits() * 9 / 10);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {3, 4})
    @DisplayName("decides exactly as the Java windows do, request by request, while the lanes are booked ahead (the script's full runs shortcut nothing)")
    void decidesAsTheJavaWindows(int seed) {
        MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("same-" + seed + "-" + System.nanoTime())
                .address(REDIS.address())
                .budgets(BUDGETS)
                .timeSource(TimeSource.INJECTED_CLOCK)
                .build();
        LocalWindows java = new LocalWindows(BUDGETS);
        int granted = 0;
        try (RedisRateLimiter limiter = RedisRateLimiter.create(config, clock, new SimpleMeterRegistry())) {
            Random random = new Random(seed);
            for (int i = 0; i < 3_000; i++) {
                // faster than the lanes allow, mostly new chats: the lanes are booked up to the horizon ahead
                clock.advance(Duration.ofNanos(random.nextInt(2_000_000)));
                boolean group = random.nextInt(6) == 0;
                long chat = group ? -(1 + random.nextInt(2)) : 1 + random.nextInt(2_000);
                int weight = random.nextInt(12) == 0 ? 2 + random.nextInt(2) : 1;
                RateRequest request = new RateRequest(chat, weight, random.nextInt(3) == 0);
                long horizon = 200_000 + random.nextInt(800_000);
                Decision onRedis = limiter.decide(request, Duration.ofNanos(horizon * 1_000)).join();
                Decision inJava = java.reserve(request, horizon, Micros.now(clock));
                assertThat(onRedis.granted()).as("decision %d granted", i).isEqualTo(inJava.granted());
                if (onRedis.granted()) {
                    assertThat(onRedis.slotMicros()).as("decision %d slot", i).isEqualTo(inJava.slotMicros());
                    granted++;
                }
            }
        }
        assertThat(granted).as("grants").isGreaterThan(500);
    }
}
