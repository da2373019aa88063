package io.botdelivery.testkit;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The groups of {@link RateLimiterContract} on when a send must wait: penalties (each blocking exactly its scope, a
 * shorter one never shortening a longer one), denials naming the scope that denied with an honest {@code retryIn}
 * within the horizon, and a chat that must wait not holding back the others. All clock-driven: they move the
 * {@link MutableClock} by hand and are skipped unless the limiter {@link #followsInjectedClock() follows it}.
 *
 * <p>Why together: all three are about the slot a limiter gives, or refuses, once a scope is busy. One link of the
 * chain {@link RateLimiterContract} is spread over (see {@link RateLimiterContractFixture}); adapters extend
 * {@link RateLimiterContract}, not this.
 */
public abstract class RateLimiterWaitCases extends RateLimiterWeightCases {

    /** Package-private: only the next class of the chain extends this. */
    RateLimiterWaitCases() {
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
}
