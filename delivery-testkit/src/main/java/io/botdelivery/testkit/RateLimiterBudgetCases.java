package io.botdelivery.testkit;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The groups of {@link RateLimiterContract} on the budgets themselves: the bot-wide budget, chat budgets, a denial
 * consuming nothing, a grant given back, the paid-broadcast lane, and concurrent callers on a test clock never getting
 * more than any budget. All clock-driven: they move the {@link MutableClock} by hand and are skipped unless the limiter
 * {@link #followsInjectedClock() follows it}.
 *
 * <p>Why first: every later group relies on these windows being kept. One link of the chain {@link RateLimiterContract}
 * is spread over (see {@link RateLimiterContractFixture}); adapters extend {@link RateLimiterContract}, not this.
 */
public abstract class RateLimiterBudgetCases extends RateLimiterContractFixture {

    /** Package-private: only the next class of the chain extends this. */
    RateLimiterBudgetCases() {
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
}
