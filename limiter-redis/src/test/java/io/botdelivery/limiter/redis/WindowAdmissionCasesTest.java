package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.botdelivery.core.ratelimit.GrantLog;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.botdelivery.testkit.limiter.WindowAdmissionCases;
import io.botdelivery.testkit.limiter.WindowAdmissionCases.Case;
import io.botdelivery.testkit.limiter.WindowAdmissionCases.Step;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same table of cases through the Java arithmetic (the LOCAL_SHARE fallback's and limiter-local's) and the script. */
@DisplayName("The window admission cases")
class WindowAdmissionCasesTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    private static final AtomicInteger BOTS = new AtomicInteger();
    private static final long START = 1_796_083_200_000_000L;

    static List<Case> cases() {
        return WindowAdmissionCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("give the slots worked out by hand in the Java arithmetic")
    void javaArithmetic(Case c) {
        GrantLog lane = new GrantLog(LocalWindows.rule(c.lane()));

        for (Step step : c.steps()) {
            long slot = lane.earliest(START + step.at(), START + step.at(), step.weight());
            lane.add(slot, step.weight());

            assertThat(slot - START).as("%s", step).isEqualTo(step.slot());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @DisplayName("give the same slots in the Lua script on Redis")
    void script(Case c) {
        MutableClock clock = MutableClock.at("2026-12-01T00:00:00Z");
        // every request to its own chat, and chats roomy enough never to bind: only the lane decides
        RateBudgets budgets = RateBudgets.telegramDefaults().withGlobal(c.lane())
                .withPrivateChat(new Budget(10, Duration.ofSeconds(1), 10));
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("cases-" + BOTS.incrementAndGet())
                .address(REDIS.address()).budgets(budgets).timeSource(TimeSource.INJECTED_CLOCK).build();
        try (RedisRateLimiter limiter = RedisRateLimiter.create(config, clock, new SimpleMeterRegistry())) {
            long start = Micros.now(clock);
            long chat = 1;
            for (Step step : c.steps()) {
                clock.advance(Duration.ofNanos((start + step.at() - Micros.now(clock)) * 1_000));
                Reservation reservation = limiter.reserve(new RateRequest(chat++, step.weight(), false),
                        Duration.ofMinutes(1));

                assertThat(reservation).as("%s", step)
                        .isEqualTo(Reservation.granted(Micros.toDuration(step.slot() - step.at())));
            }
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("an absurd weight is answered by the script, counted up to the rule's maximum like the Java arithmetic")
    void absurdWeight() {
        MutableClock clock = MutableClock.at("2026-12-01T00:00:00Z");
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("cases-" + BOTS.incrementAndGet())
                .address(REDIS.address()).timeSource(TimeSource.INJECTED_CLOCK).build();
        try (RedisRateLimiter limiter = RedisRateLimiter.create(config, clock, new SimpleMeterRegistry())) {
            assertThat(limiter.reserve(new RateRequest(1, Integer.MAX_VALUE, false), Duration.ofDays(365)))
                    .isEqualTo(Reservation.granted(Duration.ZERO));
            // 10,000 messages to a chat allowed 1 a second hold it for 10,000 s
            assertThat(limiter.reserve(RateRequest.of(1), Duration.ofHours(2))).isInstanceOf(Reservation.Denied.class);
        }
    }
}
