package io.botdelivery.testkit;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.limiter.MonotonicClock;
import io.botdelivery.testkit.limiter.RecordingRateLimiter;
import io.botdelivery.testkit.limiter.SlidingWindowRecorder;
import io.botdelivery.testkit.limiter.WindowKey;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every {@link RateLimiter} must pass. An adapter's test extends this class and implements
 * {@link #createLimiter(RateBudgets, Clock)}; that is all.
 *
 * <p>Two families of groups:
 * <ul>
 *   <li><b>clock-driven</b> groups move a {@link MutableClock} by hand and check exact behaviour. They run only if
 *       {@link #followsInjectedClock()}; otherwise they show as skipped (a Redis limiter takes time from the server).</li>
 *   <li><b>real-time</b> groups use small budgets (20 per 200 ms and the like), several concurrent callers that book
 *       ahead within their horizon, and a {@link SlidingWindowRecorder} that counts only grants certainly inside a
 *       window, so call latency never fakes a violation. They always run.</li>
 * </ul>
 *
 * <p>What is checked, for every scope (standard lane, paid-broadcast lane, each private chat, each group): never more
 * than the budget in any sliding window, also with concurrent callers; a denial consumes nothing anywhere
 * (all-or-nothing); the paid-broadcast lane is separate from the standard budget; weights count fully, and a weight above
 * the burst is granted (never split or refused) once the whole weight fits, and an album is admitted as soon as its
 * items fit the window (a lane of 30 a second takes 10 albums of 3 within one second); a penalty blocks exactly its scope, and a
 * shorter penalty never shortens a longer one; a denial names the scope that denied; a granted delay never exceeds the
 * horizon; and a reservation that waits for its chat does not hold back other chats (the bot-wide budget is used around
 * it, not blocked until it).
 *
 * <p>Notes for implementers:
 * <ul>
 *   <li>Count each window exactly (a log of the last window's grants): an album of k is admitted when k places fit
 *       the window, not after k emission intervals, and the kit checks both that the lane is used and that no window
 *       overshoots. Smooth sends with at most {@code burst} in any {@code burst × }{@link Budget#emissionIntervalNanos()}
 *       (rounded up, never down: a truncated 1 s / 30 would space 31 sends within one second).</li>
 *   <li>A global penalty pauses every send of the bot, the paid-broadcast lane included; a chat penalty pauses that
 *       chat in both lanes. A denial by the paid-broadcast lane names {@link LimitScope#global()}.</li>
 *   <li>When both the chat and the bot-wide scope alone would push the slot past the horizon, the denial names the one
 *       whose own earliest slot is later.</li>
 *   <li>Each call of {@link #createLimiter} must return a limiter with fresh state, sharing nothing with earlier ones.</li>
 *   <li>A limiter that depends on something (shared storage, a delegate it decorates) grants nothing while that is
 *       unavailable: {@code reserve} throws {@link RateLimiterUnavailableException} (or denies), never grants. Override
 *       {@link #makeUnavailable} to have this checked; the test is skipped otherwise.</li>
 * </ul>
 *
 * <p>The rules are stated in {@link RateLimiter}'s Javadoc. Every test has a time limit ({@link KitTimeLimit}, 60 s), and the recorder
 * checks windows in O(n log n) and refuses more than {@link SlidingWindowRecorder#MAX_GRANTS_PER_SCOPE} grants per
 * scope, so a limiter that grants far too much fails the kit quickly instead of hanging it.
 *
 * <p>The groups are spread over a chain of superclasses so that no file grows too long:
 * {@link RateLimiterContractFixture} (the hooks above, the budgets, the helpers) &larr; the clock-driven groups in
 * {@link RateLimiterBudgetCases} &larr; {@link RateLimiterWeightCases} (weights, albums) &larr;
 * {@link RateLimiterWaitCases} (penalties, denials, waiting chats) &larr; this class: the real-time groups, and the
 * checks of unavailability and arguments. JUnit runs the {@code @Nested} groups a test class inherits as well as its
 * own, so extending this class runs them all. Extend this class, never one of the chain.
 */
public abstract class RateLimiterContract extends RateLimiterWaitCases {

    // ---------------------------------------------------------------------------------------------------------------
    // real-time groups: always run
    // ---------------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("In real time, with concurrent callers")
    class InRealTime {
        private final MonotonicClock realClock = MonotonicClock.start();

        RateLimiter limiter() {
            return new RecordingRateLimiter(createLimiter(REAL_TIME, realClock), recorder, realClock::epochNanos);
        }

        @Test
        @DisplayName("many callers to many chats never exceed the bot-wide budget, albums included")
        void manyChatsKeepGlobal() throws Exception {
            RateLimiter limiter = limiter();
            AtomicLong nextChat = new AtomicLong(1);

            callInRealTime(4, Duration.ofMillis(800), Duration.ofMillis(100), limiter,
                    (caller, random) -> new RateRequest(nextChat.getAndIncrement(), 1 + random.nextInt(3), false));

            recorder.assertWithin(REAL_TIME);
            assertThat(recorder.units(WindowKey.standardLane())).as("messages granted in 800 ms at 20 per 200 ms")
                    .isGreaterThanOrEqualTo(40);
        }

        @Test
        @DisplayName("a global penalty shows as a bot-wide pause on the limiter's own clock")
        void globalPauseInRealTime() {
            RateLimiter limiter = limiter();

            limiter.penalize(LimitScope.global(), Duration.ofSeconds(2));

            assertThat(limiter.globalPause()).isGreaterThan(Duration.ofSeconds(1)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        }

        @Test
        @DisplayName("many callers to one private chat never exceed its budget")
        void oneChatKeepsItsBudget() throws Exception {
            RateLimiter limiter = limiter();

            callInRealTime(4, Duration.ofMillis(600), Duration.ofMillis(100), limiter, (caller, random) -> RateRequest.of(42));

            recorder.assertWithin(REAL_TIME);
            assertThat(recorder.units(WindowKey.chat(42))).as("messages granted in 600 ms at 1 per 50 ms").isGreaterThanOrEqualTo(6);
        }

        @Test
        @DisplayName("many callers to one group never exceed its budget")
        void oneGroupKeepsItsBudget() throws Exception {
            RateLimiter limiter = limiter();

            callInRealTime(4, Duration.ofMillis(1000), Duration.ofMillis(200), limiter, (caller, random) -> RateRequest.of(-42));

            recorder.assertWithin(REAL_TIME);
            assertThat(recorder.units(WindowKey.chat(-42))).as("messages granted in 1 s at 4 per 400 ms").isGreaterThanOrEqualTo(5);
        }

        @Test
        @DisplayName("the paid-broadcast lane runs past the standard budget while the standard lane keeps its own")
        void paidLaneIsSeparate() throws Exception {
            RateLimiter limiter = limiter();
            AtomicLong nextChat = new AtomicLong(1);

            // callers 0 and 1 send paid broadcasts, callers 2 and 3 standard sends
            callInRealTime(4, Duration.ofMillis(600), Duration.ofMillis(100), limiter,
                    (caller, random) -> new RateRequest(nextChat.getAndIncrement(), 1, caller < 2));

            recorder.assertWithin(REAL_TIME);
            Duration window = REAL_TIME.global().window();
            assertThat(recorder.busiestWindow(WindowKey.paidLane(), window).units())
                    .as("paid messages in the busiest 200 ms").isGreaterThan(REAL_TIME.global().permits());
            assertThat(recorder.units(WindowKey.standardLane())).as("standard sends go on beside the paid lane").isGreaterThanOrEqualTo(5);
        }

        @Test
        @DisplayName("a storm of denials for one chat takes nothing from the other chats' bot-wide budget")
        void denialsConsumeNothingUnderContention() throws Exception {
            RateLimiter limiter = limiter();
            AtomicLong nextChat = new AtomicLong(1);
            long deadline = System.nanoTime() + Duration.ofMillis(600).toNanos();
            AtomicInteger denials = new AtomicInteger();

            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> storm = pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        if (limiter.reserve(RateRequest.of(7), NO_WAIT) instanceof Reservation.Denied) {
                            denials.incrementAndGet();
                        }
                        LockSupport.parkNanos(100_000);
                    }
                    return null;
                });
                Future<?> sender = pool.submit(() -> {
                    Random random = new Random(7);
                    callerLoop(limiter, deadline, Duration.ofMillis(100), (caller, r) -> RateRequest.of(100 + nextChat.getAndIncrement()), 0, random);
                    return null;
                });
                storm.get(10, TimeUnit.SECONDS);
                sender.get(10, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }

            recorder.assertWithin(REAL_TIME);
            assertThat(denials.get()).as("denials of the storming chat").isGreaterThan(10);
            int othersUnits = recorder.units(WindowKey.standardLane()) - recorder.units(WindowKey.chat(7));
            // up to 60 fit; a limiter that consumes on denial leaves the others next to nothing, a loaded machine still gives 10
            assertThat(othersUnits).as("messages granted to the other chats in 600 ms at 20 per 200 ms").isGreaterThanOrEqualTo(10);
        }

        @Test
        @DisplayName("a chat penalty blocks only that chat, for its whole duration")
        void chatPenaltyInRealTime() {
            RateLimiter limiter = limiter();
            // long enough that no scheduling stall ends it before the next call; nothing waits for it
            Duration penalty = Duration.ofSeconds(5);
            long before = realClock.epochNanos();

            limiter.penalize(LimitScope.chat(9), penalty);

            assertThat(denialOf(limiter.reserve(RateRequest.of(9), NO_WAIT)).scope()).isEqualTo(LimitScope.chat(9));
            assertThat(delayOf(limiter.reserve(RateRequest.of(10), NO_WAIT))).isZero();
            Duration delay = delayOf(limiter.reserve(RateRequest.of(9), Duration.ofSeconds(10)));
            long latestSend = realClock.epochNanos() + delay.toNanos();
            assertThat(latestSend - before).as("nanoseconds from the penalty to chat 9's slot").isGreaterThanOrEqualTo(penalty.toNanos());
        }

        @Test
        @DisplayName("a global penalty blocks every chat and the paid-broadcast lane for its whole duration")
        void globalPenaltyInRealTime() {
            RateLimiter limiter = limiter();
            // long enough that no scheduling stall ends it before the next call; nothing waits for it
            Duration penalty = Duration.ofSeconds(5);
            long before = realClock.epochNanos();

            limiter.penalize(LimitScope.global(), penalty);

            assertThat(denialOf(limiter.reserve(RateRequest.of(11), NO_WAIT)).scope()).isEqualTo(LimitScope.global());
            assertThat(denialOf(limiter.reserve(new RateRequest(12, 1, true), NO_WAIT)).scope()).isEqualTo(LimitScope.global());
            Duration delay = delayOf(limiter.reserve(RateRequest.of(13), Duration.ofSeconds(10)));
            long latestSend = realClock.epochNanos() + delay.toNanos();
            assertThat(latestSend - before).as("nanoseconds from the penalty to the next slot").isGreaterThanOrEqualTo(penalty.toNanos());
        }

        @Test
        @DisplayName("a chat that must wait does not hold back the next chat")
        void waitingChatDoesNotBlock() {
            RateLimiter limiter = limiter();
            for (int i = 0; i < 5; i++) {
                delayOf(limiter.reserve(RateRequest.of(5), Duration.ofSeconds(1)));
            }

            // chat 5's last slot is about 200 ms away; chat 6 needs only the bot-wide spacing of 10 ms
            assertThat(delayOf(limiter.reserve(RateRequest.of(6), Duration.ofMillis(60)))).isLessThanOrEqualTo(Duration.ofMillis(60));
            recorder.assertWithin(REAL_TIME);
        }
    }

    @Nested
    @DisplayName("Unavailable")
    class Unavailable {

        @Test
        @DisplayName("grants nothing while what it depends on is unavailable, and grants again once it is back (capability: makeUnavailable)")
        void grantsNothingWhileUnavailable() throws Exception {
            RateLimiter limiter = createLimiter(REAL_TIME, MonotonicClock.start());
            assertThat(limiter.reserve(RateRequest.of(1), LONG_HORIZON)).isInstanceOf(Reservation.Granted.class);
            AutoCloseable outage = makeUnavailable(limiter);
            assumeTrue(outage != null, "the test cannot make the limiter's dependency unavailable");
            try {
                for (int chat = 100; chat < 110; chat++) {
                    Reservation answer;
                    try {
                        answer = limiter.reserve(RateRequest.of(chat), LONG_HORIZON);
                    } catch (RateLimiterUnavailableException expected) {
                        continue;
                    }
                    assertThat(answer).as("chat %d while unavailable (a limiter that fails open sends past every budget)", chat)
                            .isNotInstanceOf(Reservation.Granted.class);
                }
                assertThatCode(limiter::globalPause).as("globalPause answers from what it knows").doesNotThrowAnyException();
            } finally {
                outage.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int chat = 200; ; chat++) {
                try {
                    if (limiter.reserve(RateRequest.of(chat), LONG_HORIZON) instanceof Reservation.Granted) {
                        break;
                    }
                } catch (RateLimiterUnavailableException stillDown) {
                    // the dependency may take a moment to answer again
                }
                assertThat(System.nanoTime()).as("granting again within 30 s of coming back").isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    @Nested
    @DisplayName("Arguments")
    class Arguments {

        @Test
        @DisplayName("null arguments are refused with NullPointerException")
        void nullsRefused() {
            RateLimiter limiter = createLimiter(REAL_TIME, MonotonicClock.start());

            assertThatThrownBy(() -> limiter.reserve(null, NO_WAIT)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> limiter.reserve(RateRequest.of(1), null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> limiter.penalize(null, NO_WAIT)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> limiter.penalize(LimitScope.global(), null)).isInstanceOf(NullPointerException.class);
        }
    }
}
