package io.botdelivery.testkit;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The groups of {@link RateLimiterContract} on requests of more than one message: weights counted fully in every scope,
 * a weight above the burst granted whole or denied whole, and albums admitted as soon as their items fit the window,
 * which keeps the lane used. All clock-driven: they move the {@link MutableClock} by hand and are skipped unless the
 * limiter {@link #followsInjectedClock() follows it}.
 *
 * <p>Why apart: weights and albums are the rules a limiter that counts one message at a time gets wrong. One link of
 * the chain {@link RateLimiterContract} is spread over (see {@link RateLimiterContractFixture}); adapters extend
 * {@link RateLimiterContract}, not this.
 */
public abstract class RateLimiterWeightCases extends RateLimiterBudgetCases {

    /** Package-private: only the next class of the chain extends this. */
    RateLimiterWeightCases() {
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
}
