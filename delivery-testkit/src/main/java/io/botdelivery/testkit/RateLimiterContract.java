package io.botdelivery.testkit;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.limiter.MonotonicClock;
import io.botdelivery.testkit.limiter.RecordingRateLimiter;
import io.botdelivery.testkit.limiter.SlidingWindowRecorder;
import io.botdelivery.testkit.limiter.WindowKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
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
 */
@KitTimeLimit(seconds = 60)
public abstract class RateLimiterContract {

    /** Telegram's defaults: 30/s, private chat 1/s, group 20/min, paid lane 1000/s. */
    protected static final RateBudgets TELEGRAM = RateBudgets.telegramDefaults();

    /** A bot-wide budget that never binds, for groups about chat budgets. */
    private static final Budget ROOMY_GLOBAL = new Budget(1000, Duration.ofSeconds(1), 100);

    /** Real-time budgets: Telegram's shape, scaled down so a test lasts well under a second. */
    protected static final RateBudgets REAL_TIME = new RateBudgets(
            Budget.of(20, Duration.ofMillis(200)),
            Budget.of(1, Duration.ofMillis(50)),
            Budget.of(4, Duration.ofMillis(400)),
            Budget.of(100, Duration.ofMillis(200)));

    private static final Duration LONG_HORIZON = Duration.ofMinutes(10);
    private static final Duration NO_WAIT = Duration.ZERO;
    /** The standard lane's spacing under {@link #TELEGRAM}: ceil(1 s / 30), plus a little for rounding. */
    private static final Duration GLOBAL_STEP = Duration.ofNanos(33_333_334 + 1_000);

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final SlidingWindowRecorder recorder = new SlidingWindowRecorder();

    /**
     * A new limiter with fresh state enforcing {@code budgets}, taking time from {@code clock} (if it follows an injected
     * clock at all, see {@link #followsInjectedClock()}).
     */
    protected abstract RateLimiter createLimiter(RateBudgets budgets, Clock clock);

    /**
     * Whether the limiter reads time from the clock given to {@link #createLimiter}. A limiter that takes time from
     * elsewhere (a Redis server's {@code TIME}) returns false: the clock-driven groups are then skipped, not passed.
     */
    protected boolean followsInjectedClock() {
        return true;
    }

    /**
     * Capability: makes what {@code limiter} depends on unavailable (stop its Redis, make the delegate it decorates
     * throw) and returns what makes it available again; {@code null}, the default, when the test cannot. While it is
     * unavailable, {@code reserve} must grant nothing; once it is back, the same limiter must grant again (within 30 s).
     */
    protected AutoCloseable makeUnavailable(RateLimiter limiter) throws Exception {
        return null;
    }

    /**
     * Capability: whether {@link RateLimiter#release} gives places back (the default method does not, which is allowed).
     * When true, the kit checks that a released grant's place can be taken again; either way, that a release never
     * gives back more than the grant.
     */
    protected boolean givesGrantsBack() {
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // clock-driven groups
    // ---------------------------------------------------------------------------------------------------------------

    /** Base of the groups that move the {@link MutableClock}: skipped unless the limiter follows it. */
    abstract class ClockDriven {
        @BeforeEach
        void requireInjectedClock() {
            assumeTrue(followsInjectedClock(), "this limiter does not take time from the injected clock");
        }

        RateLimiter limiter(RateBudgets budgets) {
            return new RecordingRateLimiter(createLimiter(budgets, clock), recorder, clock::nanos);
        }
    }

    @Nested
    @DisplayName("The bot-wide budget")
    class GlobalBudget extends ClockDriven {

        @Test
        @DisplayName("grants the first send of a fresh limiter at once")
        void firstSendAtOnce() {
            RateLimiter limiter = limiter(TELEGRAM);

            assertThat(delayOf(limiter.reserve(RateRequest.of(1), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("spaces sends to many chats so that no second holds more than 30, and wastes no slot")
        void spacesSendsToManyChats() {
            RateLimiter limiter = limiter(TELEGRAM);

            Duration last = Duration.ZERO;
            for (int chat = 1; chat <= 100; chat++) {
                last = delayOf(limiter.reserve(RateRequest.of(chat), LONG_HORIZON));
            }

            recorder.assertWithin(TELEGRAM);
            // 100 sends at 30/s need 99 intervals of ceil(1 s / 30): the last slot is no later than that
            assertThat(last).isLessThanOrEqualTo(GLOBAL_STEP.multipliedBy(99));
        }

        @Test
        @DisplayName("lets a burst go back to back, then spaces the rest so the window total still holds")
        void burstThenSpaced() {
            RateBudgets budgets = TELEGRAM.withGlobal(new Budget(10, Duration.ofSeconds(1), 5));
            RateLimiter limiter = limiter(budgets);

            for (int chat = 1; chat <= 5; chat++) {
                assertThat(delayOf(limiter.reserve(RateRequest.of(chat), NO_WAIT))).as("send %d of the burst", chat).isZero();
            }
            assertThat(limiter.reserve(RateRequest.of(6), NO_WAIT)).isInstanceOf(Reservation.Denied.class);
            for (int chat = 6; chat <= 40; chat++) {
                delayOf(limiter.reserve(RateRequest.of(chat), LONG_HORIZON));
            }

            recorder.assertWithin(budgets);
        }

        @Test
        @DisplayName("keeps every budget through a long random workload, and never grants past the horizon")
        void randomWorkload() {
            RateLimiter limiter = limiter(TELEGRAM);
            Random random = new Random(20261128);
            Duration[] horizons = {NO_WAIT, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1)};
            long[] chats = {1, 2, 3, 4, 5, 6, 7, 8, -1001, -1002, -1003};
            int granted = 0;
            int denied = 0;

            for (int i = 0; i < 3000; i++) {
                clock.advanceMillis(random.nextInt(60));
                int weight = random.nextInt(10) == 0 ? 2 + random.nextInt(9) : 1;
                RateRequest request = new RateRequest(chats[random.nextInt(chats.length)], weight, random.nextInt(8) == 0);
                Duration horizon = horizons[random.nextInt(horizons.length)];
                Reservation reservation = limiter.reserve(request, horizon);
                if (reservation instanceof Reservation.Granted g) {
                    assertThat(g.delay()).as("delay of %s within horizon %s", request, horizon).isLessThanOrEqualTo(horizon);
                    granted++;
                } else {
                    denied++;
                }
            }

            recorder.assertWithin(TELEGRAM);
            assertThat(granted).as("grants").isGreaterThan(500);
            assertThat(denied).as("denials").isGreaterThan(100);
        }
    }

    @Nested
    @DisplayName("Chat budgets")
    class ChatBudgets extends ClockDriven {

        @Test
        @DisplayName("give a private chat one send per second")
        void privateChatOnePerSecond() {
            RateLimiter limiter = limiter(TELEGRAM);

            assertThat(delayOf(limiter.reserve(RateRequest.of(7), LONG_HORIZON))).isZero();
            assertThat(delayOf(limiter.reserve(RateRequest.of(7), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1050));
        }

        @Test
        @DisplayName("give a group or channel twenty sends per minute")
        void groupTwentyPerMinute() {
            RateLimiter limiter = limiter(TELEGRAM);

            Duration last = Duration.ZERO;
            for (int i = 0; i < 40; i++) {
                last = delayOf(limiter.reserve(RateRequest.of(-100_123), LONG_HORIZON));
            }

            recorder.assertWithin(TELEGRAM);
            assertThat(last).as("the 40th send, 39 intervals of 3 s later").isLessThanOrEqualTo(Duration.ofSeconds(120));
        }

        @Test
        @DisplayName("are not shared between chats")
        void chatsAreIndependent() {
            RateLimiter limiter = limiter(TELEGRAM);

            delayOf(limiter.reserve(RateRequest.of(7), LONG_HORIZON));

            assertThat(delayOf(limiter.reserve(RateRequest.of(8), LONG_HORIZON))).isLessThanOrEqualTo(GLOBAL_STEP);
            assertThat(delayOf(limiter.reserve(RateRequest.of(-8), LONG_HORIZON))).isLessThanOrEqualTo(GLOBAL_STEP.multipliedBy(2));
        }

        @Test
        @DisplayName("let a configured burst go back to back, then keep the chat's window total")
        void configuredChatBurst() {
            RateBudgets budgets = TELEGRAM.withGlobal(ROOMY_GLOBAL).withPrivateChat(new Budget(3, Duration.ofSeconds(3), 3));
            RateLimiter limiter = limiter(budgets);

            for (int i = 0; i < 3; i++) {
                assertThat(delayOf(limiter.reserve(RateRequest.of(7), NO_WAIT))).isZero();
            }
            assertThat(denialOf(limiter.reserve(RateRequest.of(7), NO_WAIT)).scope()).isEqualTo(LimitScope.chat(7));
            for (int i = 0; i < 12; i++) {
                delayOf(limiter.reserve(RateRequest.of(7), LONG_HORIZON));
            }

            recorder.assertWithin(budgets);
        }
    }

    @Nested
    @DisplayName("A denial consumes nothing")
    class AllOrNothing extends ClockDriven {

        @Test
        @DisplayName("a denial by the chat leaves the bot-wide budget untouched")
        void chatDenialKeepsGlobal() {
            RateBudgets budgets = TELEGRAM.withGlobal(new Budget(3, Duration.ofSeconds(1), 3));
            RateLimiter limiter = limiter(budgets);
            delayOf(limiter.reserve(RateRequest.of(1), NO_WAIT));

            for (int i = 0; i < 50; i++) {
                assertThat(denialOf(limiter.reserve(RateRequest.of(1), NO_WAIT)).scope()).isEqualTo(LimitScope.chat(1));
            }

            assertThat(delayOf(limiter.reserve(RateRequest.of(2), NO_WAIT))).isZero();
            assertThat(delayOf(limiter.reserve(RateRequest.of(3), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("a denial by the bot-wide budget leaves the chat's budget untouched")
        void globalDenialKeepsChat() {
            RateBudgets budgets = TELEGRAM.withGlobal(Budget.of(1, Duration.ofSeconds(1)));
            RateLimiter limiter = limiter(budgets);
            delayOf(limiter.reserve(RateRequest.of(1), NO_WAIT));

            for (int i = 0; i < 50; i++) {
                assertThat(denialOf(limiter.reserve(RateRequest.of(2), NO_WAIT)).scope()).isEqualTo(LimitScope.global());
            }
            clock.advance(Duration.ofSeconds(1));

            assertThat(delayOf(limiter.reserve(RateRequest.of(2), NO_WAIT))).isZero();
            assertThat(delayOf(limiter.reserve(RateRequest.of(2), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1050));
        }

        @Test
        @DisplayName("a request that does not fit its horizon takes nothing from the chat")
        void tooShortHorizonTakesNothing() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(5), NO_WAIT));

            for (int i = 0; i < 10; i++) {
                denialOf(limiter.reserve(RateRequest.of(5), Duration.ofMillis(500)));
            }

            assertThat(delayOf(limiter.reserve(RateRequest.of(5), Duration.ofSeconds(2))))
                    .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1050));
        }
    }

    @Nested
    @DisplayName("A grant given back (a missed slot)")
    class GivenBack extends ClockDriven {

        @Test
        @DisplayName("frees no more than the grant, however often it is given back")
        void givesBackAtMostTheGrant() {
            RateLimiter limiter = limiter(TELEGRAM);
            Reservation.Granted missed = (Reservation.Granted) limiter.reserve(RateRequest.of(7), NO_WAIT);
            limiter.release(RateRequest.of(7), missed);
            limiter.release(RateRequest.of(7), missed);

            Duration next = delayOf(limiter.reserve(RateRequest.of(7), LONG_HORIZON));
            Duration after = delayOf(limiter.reserve(RateRequest.of(7), LONG_HORIZON));

            assertThat(after.minus(next)).as("the chat's next send after the one that took the place back")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            recorder.assertWithin(TELEGRAM);
        }

        @Test
        @DisplayName("lets the chat and the lane use the place again at once")
        void placeIsTakenAgain() {
            assumeTrue(givesGrantsBack(), "this limiter keeps released grants counted (allowed)");
            RateBudgets budgets = TELEGRAM.withGlobal(new Budget(3, Duration.ofSeconds(1), 3));
            RateLimiter limiter = limiter(budgets);
            limiter.reserve(RateRequest.of(1), NO_WAIT);
            Reservation.Granted missed = (Reservation.Granted) limiter.reserve(RateRequest.of(2), NO_WAIT);
            limiter.reserve(RateRequest.of(3), NO_WAIT);
            assertThat(denialOf(limiter.reserve(RateRequest.of(4), NO_WAIT)).scope()).isEqualTo(LimitScope.global());

            assertThat(limiter.release(RateRequest.of(2), missed)).as("given back").isTrue();

            assertThat(delayOf(limiter.reserve(RateRequest.of(2), NO_WAIT))).as("the chat whose slot was missed").isZero();
            assertThat(denialOf(limiter.reserve(RateRequest.of(4), NO_WAIT)).scope())
                    .as("the lane's place was taken again, once").isEqualTo(LimitScope.global());
            recorder.assertWithin(budgets);
        }
    }

    @Nested
    @DisplayName("The paid-broadcast lane")
    class PaidBroadcastLane extends ClockDriven {

        @Test
        @DisplayName("does not use the standard bot-wide budget")
        void paidDoesNotUseGlobal() {
            RateLimiter limiter = limiter(TELEGRAM.withGlobal(Budget.of(2, Duration.ofSeconds(1))));

            for (int chat = 1; chat <= 50; chat++) {
                assertThat(delayOf(limiter.reserve(new RateRequest(chat, 1, true), Duration.ofSeconds(1))))
                        .isLessThan(Duration.ofMillis(100));
            }

            assertThat(delayOf(limiter.reserve(RateRequest.of(51), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("still sends when the standard budget is used up")
        void paidGoesPastStandard() {
            RateLimiter limiter = limiter(TELEGRAM.withGlobal(Budget.of(1, Duration.ofSeconds(1))));
            delayOf(limiter.reserve(RateRequest.of(1), NO_WAIT));
            assertThat(denialOf(limiter.reserve(RateRequest.of(2), NO_WAIT)).scope()).isEqualTo(LimitScope.global());

            assertThat(delayOf(limiter.reserve(new RateRequest(3, 1, true), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("keeps its own budget")
        void paidLaneHasItsOwnBudget() {
            RateBudgets budgets = TELEGRAM.withPaidBroadcast(Budget.of(5, Duration.ofSeconds(1)));
            RateLimiter limiter = limiter(budgets);

            Duration last = Duration.ZERO;
            for (int chat = 1; chat <= 20; chat++) {
                last = delayOf(limiter.reserve(new RateRequest(chat, 1, true), LONG_HORIZON));
            }

            recorder.assertWithin(budgets);
            assertThat(last).isLessThanOrEqualTo(Duration.ofMillis(3_900));
        }

        @Test
        @DisplayName("still respects the chat's budget")
        void paidRespectsChat() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(4), NO_WAIT));

            assertThat(denialOf(limiter.reserve(new RateRequest(4, 1, true), NO_WAIT)).scope()).isEqualTo(LimitScope.chat(4));
        }
    }

    @Nested
    @DisplayName("Weights")
    class Weights extends ClockDriven {

        @Test
        @DisplayName("count every album item in the bot-wide budget")
        void albumItemsCountGlobally() {
            RateBudgets budgets = TELEGRAM.withGlobal(Budget.of(10, Duration.ofSeconds(1)));
            RateLimiter limiter = limiter(budgets);

            Duration last = Duration.ZERO;
            for (int chat = 1; chat <= 20; chat++) {
                last = delayOf(limiter.reserve(new RateRequest(chat, 3, false), LONG_HORIZON));
            }

            recorder.assertWithin(budgets);
            // 60 messages at 10/s need 6 s; twice that is generous for any sound scheduling
            assertThat(last).isLessThanOrEqualTo(Duration.ofSeconds(12));
        }

        @Test
        @DisplayName("count every album item in a group's budget")
        void albumItemsCountInGroup() {
            RateLimiter limiter = limiter(TELEGRAM);

            for (int i = 0; i < 8; i++) {
                delayOf(limiter.reserve(new RateRequest(-100_777, 5, false), LONG_HORIZON));
            }

            recorder.assertWithin(TELEGRAM);
        }

        @Test
        @DisplayName("grant a weight above the burst at once when the chat is idle")
        void bigWeightOnIdleChat() {
            RateLimiter limiter = limiter(TELEGRAM);

            assertThat(delayOf(limiter.reserve(new RateRequest(9, 4, false), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("grant a weight above the burst when the chat's whole budget is back")
        void bigWeightWaitsForWholeBudget() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(9), NO_WAIT));

            assertThat(delayOf(limiter.reserve(new RateRequest(9, 4, false), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1050));
        }

        @Test
        @DisplayName("make the chat wait for every item of an album before its next send")
        void albumCountsFullyInChat() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(new RateRequest(9, 4, false), NO_WAIT));

            assertThat(delayOf(limiter.reserve(RateRequest.of(9), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(4), Duration.ofMillis(4050));
        }

        @Test
        @DisplayName("grant a weight above the whole bot-wide budget alone in its window")
        void weightAboveWholeBudget() {
            RateBudgets budgets = TELEGRAM.withGlobal(Budget.of(5, Duration.ofSeconds(1)));
            RateLimiter limiter = limiter(budgets);

            assertThat(delayOf(limiter.reserve(new RateRequest(1, 10, false), NO_WAIT))).isZero();
            delayOf(limiter.reserve(RateRequest.of(2), LONG_HORIZON));
            delayOf(limiter.reserve(new RateRequest(3, 10, false), LONG_HORIZON));
            delayOf(limiter.reserve(RateRequest.of(4), LONG_HORIZON));

            recorder.assertWithin(budgets);
        }

        @Test
        @DisplayName("deny a weight above the burst, whole and consuming nothing, when its budget cannot return in time")
        void bigWeightDeniedWhole() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(9), NO_WAIT));

            assertThat(denialOf(limiter.reserve(new RateRequest(9, 4, false), Duration.ofMillis(500))).scope())
                    .isEqualTo(LimitScope.chat(9));

            assertThat(delayOf(limiter.reserve(new RateRequest(9, 4, false), Duration.ofSeconds(2))))
                    .isBetween(Duration.ofSeconds(1), Duration.ofMillis(1050));
        }
    }

    @Nested
    @DisplayName("Albums and the window")
    class AlbumsAndTheWindow extends ClockDriven {

        @Test
        @DisplayName("a lane that takes 30 messages a window takes 10 albums of 3 within one window")
        void tenAlbumsOfThreeInOneWindow() {
            RateLimiter limiter = limiter(TELEGRAM);

            Duration last = Duration.ZERO;
            for (int chat = 1; chat <= 10; chat++) {
                last = delayOf(limiter.reserve(new RateRequest(chat, 3, false), LONG_HORIZON));
            }

            recorder.assertWithin(TELEGRAM);
            // a rule that makes an album of k wait for k emission intervals puts the 10th album past 1.5 s
            assertThat(last).as("the 10th album: the 28th to 30th messages of the first window")
                    .isLessThan(TELEGRAM.global().window());
        }

        @Test
        @DisplayName("the album after a full window waits until the window's first album has left it")
        void albumAfterAFullWindowWaits() {
            RateLimiter limiter = limiter(TELEGRAM);
            for (int chat = 1; chat <= 10; chat++) {
                delayOf(limiter.reserve(new RateRequest(chat, 3, false), LONG_HORIZON));
            }

            Duration eleventh = delayOf(limiter.reserve(new RateRequest(11, 3, false), LONG_HORIZON));

            recorder.assertWithin(TELEGRAM);
            assertThat(eleventh).isGreaterThanOrEqualTo(TELEGRAM.global().window());
        }

        @Test
        @DisplayName("an album waits until every one of its items fits the window, never overshooting it")
        void albumWaitsForRoomForEveryItem() {
            RateLimiter limiter = limiter(TELEGRAM);
            for (int chat = 1; chat <= 28; chat++) {
                delayOf(limiter.reserve(RateRequest.of(chat), LONG_HORIZON));
            }

            Duration album = delayOf(limiter.reserve(new RateRequest(29, 3, false), LONG_HORIZON));

            recorder.assertWithin(TELEGRAM);
            assertThat(album).as("the 29th to 31st messages: the first single must have left the window")
                    .isGreaterThanOrEqualTo(TELEGRAM.global().window());
        }

        @Test
        @DisplayName("a fresh limiter grants exactly the budget in its first window, however many albums wait")
        void firstWindowOfAFreshLimiter() {
            RateLimiter limiter = limiter(TELEGRAM);

            int inFirstWindow = 0;
            for (int chat = 1; chat <= 40; chat++) {
                Duration delay = delayOf(limiter.reserve(new RateRequest(chat, 3, false), LONG_HORIZON));
                if (delay.compareTo(TELEGRAM.global().window()) < 0) {
                    inFirstWindow += 3;
                }
            }

            recorder.assertWithin(TELEGRAM);
            assertThat(inFirstWindow).as("messages granted in the first second").isEqualTo(TELEGRAM.global().permits());
        }

        @Test
        @DisplayName("a mix of singles and 10 % albums of 2 to 4 keeps every window and uses at least 94 % of the lane")
        void mixedAlbumsUseTheLane() {
            RateLimiter limiter = limiter(TELEGRAM);
            Random random = new Random(20261205);
            long window = TELEGRAM.global().window().toNanos();
            int[] messagesPerWindow = new int[40];

            for (int chat = 1; chat <= 900; chat++) {
                int weight = random.nextInt(10) == 0 ? 2 + random.nextInt(3) : 1;
                long slot = delayOf(limiter.reserve(new RateRequest(chat, weight, false), LONG_HORIZON)).toNanos();
                if (slot / window < messagesPerWindow.length) {
                    messagesPerWindow[(int) (slot / window)] += weight;
                }
            }

            recorder.assertWithin(TELEGRAM);
            // the first 25 whole seconds, all saturated (900 requests are about 1,080 messages, 36 s of budget); an
            // album of k that waits for k emission intervals leaves about 0.86 of them used, exact windows about 0.97
            int used = Arrays.stream(messagesPerWindow, 0, 25).sum();
            assertThat(used / (25.0 * TELEGRAM.global().permits())).as("share of the lane used in 25 saturated seconds")
                    .isGreaterThanOrEqualTo(0.94);
        }
    }

    @Nested
    @DisplayName("Penalties")
    class Penalties extends ClockDriven {

        @Test
        @DisplayName("the bot-wide pause reads zero until a global penalty, then what is left of it")
        void globalPauseCountsDown() {
            RateLimiter limiter = limiter(TELEGRAM);
            assertThat(limiter.globalPause()).isZero();

            limiter.penalize(LimitScope.global(), Duration.ofSeconds(5));
            assertThat(limiter.globalPause()).isEqualTo(Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(2));
            assertThat(limiter.globalPause()).isEqualTo(Duration.ofSeconds(3));
            clock.advance(Duration.ofSeconds(3));

            assertThat(limiter.globalPause()).isZero();
        }

        @Test
        @DisplayName("a chat penalty or a full lane is not a bot-wide pause")
        void globalPauseOnlyAfterGlobalPenalty() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(5));
            limiter.penalize(LimitScope.chat(-3), Duration.ofSeconds(5));
            for (int i = 0; i < 100; i++) {
                limiter.reserve(RateRequest.of(100 + i), LONG_HORIZON);
            }

            assertThat(limiter.globalPause()).isZero();
        }

        @Test
        @DisplayName("a shorter global penalty leaves the longer pause in force")
        void globalPauseKeepsTheLonger() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.global(), Duration.ofSeconds(10));
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(2));

            assertThat(limiter.globalPause()).isEqualTo(Duration.ofSeconds(10));
        }

        @Test
        @DisplayName("a chat penalty blocks that chat for its whole duration")
        void chatPenaltyBlocksChat() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(5));

            Reservation.Denied denied = denialOf(limiter.reserve(RateRequest.of(3), NO_WAIT));
            assertThat(denied.scope()).isEqualTo(LimitScope.chat(3));
            assertThat(denied.retryIn()).isLessThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(delayOf(limiter.reserve(RateRequest.of(3), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(5), Duration.ofMillis(5050));
        }

        @Test
        @DisplayName("a chat penalty slows neither other chats nor the bot-wide budget")
        void chatPenaltyIsLocal() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(5));

            assertThat(delayOf(limiter.reserve(RateRequest.of(4), NO_WAIT))).isZero();
            Duration last = Duration.ZERO;
            for (int chat = 5; chat < 15; chat++) {
                last = delayOf(limiter.reserve(RateRequest.of(chat), LONG_HORIZON));
            }
            assertThat(last).isLessThanOrEqualTo(GLOBAL_STEP.multipliedBy(10));
        }

        @Test
        @DisplayName("a chat penalty holds that chat in the paid-broadcast lane too")
        void chatPenaltyHoldsPaidSends() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(5));

            assertThat(denialOf(limiter.reserve(new RateRequest(3, 1, true), NO_WAIT)).scope()).isEqualTo(LimitScope.chat(3));
        }

        @Test
        @DisplayName("a global penalty blocks every chat and names the global scope")
        void globalPenaltyBlocksAll() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.global(), Duration.ofSeconds(5));

            Reservation.Denied denied = denialOf(limiter.reserve(RateRequest.of(21), NO_WAIT));
            assertThat(denied.scope()).isEqualTo(LimitScope.global());
            assertThat(denied.retryIn()).isLessThanOrEqualTo(Duration.ofSeconds(5));
            assertThat(denialOf(limiter.reserve(RateRequest.of(-21), NO_WAIT)).scope()).isEqualTo(LimitScope.global());
            assertThat(delayOf(limiter.reserve(RateRequest.of(22), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(5), Duration.ofMillis(5050));
        }

        @Test
        @DisplayName("a global penalty holds the paid-broadcast lane too")
        void globalPenaltyHoldsPaidLane() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.global(), Duration.ofSeconds(5));

            assertThat(denialOf(limiter.reserve(new RateRequest(21, 1, true), NO_WAIT)).scope()).isEqualTo(LimitScope.global());
        }

        @Test
        @DisplayName("when a global penalty ends, chats send at once: their own budgets were not touched")
        void globalPenaltyLeavesChatsIntact() {
            RateLimiter limiter = limiter(TELEGRAM);
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(5));
            for (int i = 0; i < 10; i++) {
                denialOf(limiter.reserve(RateRequest.of(31), NO_WAIT));
            }

            clock.advance(Duration.ofSeconds(5));

            assertThat(delayOf(limiter.reserve(RateRequest.of(31), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("a shorter chat penalty never shortens a longer one")
        void shorterChatPenaltyKeepsLonger() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(10));
            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(2));
            clock.advance(Duration.ofSeconds(5));

            assertThat(denialOf(limiter.reserve(RateRequest.of(3), Duration.ofSeconds(4))).scope()).isEqualTo(LimitScope.chat(3));
            assertThat(delayOf(limiter.reserve(RateRequest.of(3), LONG_HORIZON))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        }

        @Test
        @DisplayName("a shorter global penalty never shortens a longer one")
        void shorterGlobalPenaltyKeepsLonger() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.global(), Duration.ofSeconds(10));
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(2));
            clock.advance(Duration.ofSeconds(5));

            assertThat(denialOf(limiter.reserve(RateRequest.of(3), Duration.ofSeconds(4))).scope()).isEqualTo(LimitScope.global());
            assertThat(delayOf(limiter.reserve(RateRequest.of(3), LONG_HORIZON))).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        }

        @Test
        @DisplayName("penalizing twice with the same duration is the same as once")
        void penaltyIsIdempotent() {
            RateLimiter limiter = limiter(TELEGRAM);

            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(5));
            limiter.penalize(LimitScope.chat(3), Duration.ofSeconds(5));
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(2));
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(2));

            assertThat(delayOf(limiter.reserve(RateRequest.of(3), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(5), Duration.ofMillis(5050));
            assertThat(delayOf(limiter.reserve(RateRequest.of(4), LONG_HORIZON)))
                    .isBetween(Duration.ofSeconds(2), Duration.ofMillis(2050));
        }
    }

    @Nested
    @DisplayName("Denials and the horizon")
    class Denials extends ClockDriven {

        @Test
        @DisplayName("name the chat when only the chat is busy")
        void namesChat() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(12), NO_WAIT));

            Reservation.Denied denied = denialOf(limiter.reserve(RateRequest.of(12), NO_WAIT));

            assertThat(denied.scope()).isEqualTo(LimitScope.chat(12));
            assertThat(denied.retryIn()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        }

        @Test
        @DisplayName("name the global scope when only the bot-wide budget is busy")
        void namesGlobal() {
            RateLimiter limiter = limiter(TELEGRAM.withGlobal(Budget.of(1, Duration.ofSeconds(1))));
            delayOf(limiter.reserve(RateRequest.of(12), NO_WAIT));

            Reservation.Denied denied = denialOf(limiter.reserve(RateRequest.of(13), NO_WAIT));

            assertThat(denied.scope()).isEqualTo(LimitScope.global());
            assertThat(denied.retryIn()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        }

        @Test
        @DisplayName("name the global scope when both are paused and the global pause is longer")
        void namesLongerGlobalPause() {
            RateLimiter limiter = limiter(TELEGRAM);
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(20));
            limiter.penalize(LimitScope.chat(12), Duration.ofSeconds(10));

            assertThat(denialOf(limiter.reserve(RateRequest.of(12), NO_WAIT)).scope()).isEqualTo(LimitScope.global());
        }

        @Test
        @DisplayName("name the chat when both are paused and the chat's pause is longer")
        void namesLongerChatPause() {
            RateLimiter limiter = limiter(TELEGRAM);
            limiter.penalize(LimitScope.global(), Duration.ofSeconds(10));
            limiter.penalize(LimitScope.chat(12), Duration.ofSeconds(20));

            assertThat(denialOf(limiter.reserve(RateRequest.of(12), NO_WAIT)).scope()).isEqualTo(LimitScope.chat(12));
        }

        @Test
        @DisplayName("a caller that comes back after the chat's retryIn is granted within its horizon")
        void chatRetryInIsHonest() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(12), NO_WAIT));
            Duration horizon = Duration.ofMillis(300);

            Reservation.Denied denied = denialOf(limiter.reserve(RateRequest.of(12), horizon));
            clock.advance(denied.retryIn());

            assertThat(delayOf(limiter.reserve(RateRequest.of(12), horizon))).isLessThanOrEqualTo(horizon);
        }

        @Test
        @DisplayName("a caller that comes back after the bot-wide retryIn is granted within its horizon")
        void globalRetryInIsHonest() {
            RateLimiter limiter = limiter(TELEGRAM.withGlobal(Budget.of(2, Duration.ofSeconds(1))));
            delayOf(limiter.reserve(RateRequest.of(12), NO_WAIT));

            Reservation.Denied denied = denialOf(limiter.reserve(RateRequest.of(13), NO_WAIT));
            assertThat(denied.scope()).isEqualTo(LimitScope.global());
            clock.advance(denied.retryIn());

            assertThat(delayOf(limiter.reserve(RateRequest.of(13), NO_WAIT))).isZero();
        }

        @Test
        @DisplayName("grant a slot exactly at the horizon, which is inclusive")
        void horizonIsInclusive() {
            RateLimiter limiter = limiter(TELEGRAM);
            delayOf(limiter.reserve(RateRequest.of(12), NO_WAIT));

            assertThat(delayOf(limiter.reserve(RateRequest.of(12), Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Nested
    @DisplayName("A chat that must wait")
    class WaitingChats extends ClockDriven {

        @Test
        @DisplayName("does not hold back other chats: the bot-wide budget is used around its slot")
        void doesNotHoldBackOthers() {
            RateLimiter limiter = limiter(TELEGRAM);
            for (int i = 0; i < 5; i++) {
                assertThat(delayOf(limiter.reserve(RateRequest.of(1), LONG_HORIZON))).isEqualTo(Duration.ofSeconds(i));
            }
            delayOf(limiter.reserve(RateRequest.of(-1), LONG_HORIZON));
            delayOf(limiter.reserve(RateRequest.of(-1), LONG_HORIZON));

            assertThat(delayOf(limiter.reserve(RateRequest.of(2), LONG_HORIZON))).isLessThanOrEqualTo(GLOBAL_STEP.multipliedBy(3));
        }

        @Test
        @DisplayName("leaves gaps the other chats fill, still within the bot-wide budget")
        void othersFillTheGaps() {
            RateLimiter limiter = limiter(TELEGRAM);
            for (int i = 0; i < 10; i++) {
                delayOf(limiter.reserve(RateRequest.of(1), LONG_HORIZON));
            }

            Duration last = Duration.ZERO;
            for (int chat = 2; chat < 62; chat++) {
                last = delayOf(limiter.reserve(RateRequest.of(chat), Duration.ofSeconds(5)));
            }

            recorder.assertWithin(TELEGRAM);
            // 70 sends at 30/s fit in about 2.3 s; 60 of them must not wait for the 10 s the first chat needs
            assertThat(last).isLessThan(Duration.ofMillis(2_500));
        }
    }

    @Nested
    @DisplayName("Concurrent callers on a test clock")
    class ConcurrentCallersOnTheClock extends ClockDriven {

        @Test
        @DisplayName("never get more than any budget, whatever the interleaving")
        void concurrentCallersKeepBudgets() throws Exception {
            RateLimiter limiter = limiter(TELEGRAM);
            long[] chats = {1, 2, 3, 4, 5, -1, -2};
            AtomicInteger grants = new AtomicInteger();

            for (int round = 0; round < 4; round++) {
                int seed = round;
                runConcurrently(4, caller -> {
                    Random random = new Random(seed * 31L + caller);
                    for (int i = 0; i < 250; i++) {
                        RateRequest request = new RateRequest(chats[random.nextInt(chats.length)],
                                1 + random.nextInt(2), random.nextInt(5) == 0);
                        if (limiter.reserve(request, Duration.ofMinutes(1)) instanceof Reservation.Granted) {
                            grants.incrementAndGet();
                        }
                    }
                    return null;
                });
                clock.advance(Duration.ofSeconds(1));
            }

            recorder.assertWithin(TELEGRAM);
            assertThat(grants.get()).isGreaterThan(100);
        }
    }

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

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    /** The delay of a reservation that must be a grant. */
    protected static Duration delayOf(Reservation reservation) {
        assertThat(reservation).as("reservation").isInstanceOf(Reservation.Granted.class);
        return ((Reservation.Granted) reservation).delay();
    }

    /** A reservation that must be a denial. */
    protected static Reservation.Denied denialOf(Reservation reservation) {
        assertThat(reservation).as("reservation").isInstanceOf(Reservation.Denied.class);
        return (Reservation.Denied) reservation;
    }

    interface Caller {
        Void call(int caller) throws Exception;
    }

    private static void runConcurrently(int callers, Caller body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int caller = i;
                futures.add(pool.submit((Callable<Void>) () -> body.call(caller)));
            }
            for (Future<Void> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface RequestSource {
        RateRequest next(int caller, Random random);
    }

    /**
     * {@code callers} threads until {@code duration} is over, each booking ahead as far as {@code horizon} allows and
     * waiting {@code retryIn} when denied, like a dispatcher that schedules sends. Booking ahead keeps the budgets
     * saturated however slowly the threads are scheduled, so the liveness bounds below do not depend on the machine.
     */
    private static void callInRealTime(int callers, Duration duration, Duration horizon, RateLimiter limiter,
                                       RequestSource requests) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        runConcurrently(callers, caller -> {
            callerLoop(limiter, deadline, horizon, requests, caller, new Random(caller));
            return null;
        });
    }

    private static void callerLoop(RateLimiter limiter, long deadline, Duration horizon, RequestSource requests,
                                   int caller, Random random) {
        while (System.nanoTime() < deadline) {
            Reservation reservation = limiter.reserve(requests.next(caller, random), horizon);
            if (reservation instanceof Reservation.Denied denied) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                LockSupport.parkNanos(Math.min(denied.retryIn().toNanos(), remaining));
            }
        }
    }
}
