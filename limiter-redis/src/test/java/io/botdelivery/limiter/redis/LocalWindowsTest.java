package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The in-process stand-in for an outage; time is plain microseconds here, moved by hand. */
@DisplayName("The outage stand-in (LocalWindows)")
class LocalWindowsTest {
    private static final long SECOND = 1_000_000;
    private static final long HORIZON = 10 * SECOND;
    private final RateBudgets share = RateBudgets.telegramDefaults().withGlobal(Budget.perSecond(30)).share(3);

    private static long delayOf(Decision decision) {
        return Micros.of(((Reservation.Granted) decision.reservation()).delay());
    }

    @Nested
    @DisplayName("schedules")
    class Schedules {

        @Test
        @DisplayName("the lane at this instance's share: 10 per second of 30 for one of three")
        void lanesAtTheShare() {
            LocalWindows local = new LocalWindows(share);

            long last = 0;
            for (int chat = 1; chat <= 11; chat++) {
                last = delayOf(local.reserve(RateRequest.of(chat), HORIZON, 0));
            }

            assertThat(last).isEqualTo(SECOND);
        }

        @Test
        @DisplayName("after the slots this instance still holds from Redis, lane and chat alike")
        void continuesAfterRedisSlots() {
            LocalWindows local = new LocalWindows(share);

            local.continueAfter(2 * SECOND, 0, Map.of(5L, 4 * SECOND));

            assertThat(delayOf(local.reserve(RateRequest.of(6), HORIZON, 0))).isEqualTo(2 * SECOND);
            assertThat(delayOf(local.reserve(RateRequest.of(5), HORIZON, 0))).isEqualTo(4 * SECOND);
        }

        @Test
        @DisplayName("and denies, consuming nothing, past the horizon")
        void deniesPastHorizon() {
            LocalWindows local = new LocalWindows(share);
            local.reserve(RateRequest.of(5), HORIZON, 0);

            Decision denied = local.reserve(RateRequest.of(5), 0, 0);

            assertThat(denied.reservation()).isEqualTo(Reservation.denied(Duration.ofSeconds(3), LimitScope.chat(5)));
            assertThat(delayOf(local.reserve(RateRequest.of(6), 0, 100_000))).isZero();
        }
    }

    @Nested
    @DisplayName("pauses")
    class Pauses {

        @Test
        @DisplayName("hold their scope and are reported while in force, the longer one winning")
        void pausesHold() {
            LocalWindows local = new LocalWindows(share);
            local.pause(LimitScope.chat(5), 3 * SECOND, 0);
            local.pause(LimitScope.chat(5), SECOND, 0);
            local.pause(LimitScope.global(), 2 * SECOND, 0);

            assertThat(local.pausesInForce(0)).containsOnly(
                    Map.entry(LimitScope.chat(5), 3 * SECOND), Map.entry(LimitScope.global(), 2 * SECOND));
            assertThat(delayOf(local.reserve(RateRequest.of(5), HORIZON, 0))).isEqualTo(3 * SECOND);
            assertThat(delayOf(local.reserve(RateRequest.of(6), HORIZON, 0))).isGreaterThanOrEqualTo(2 * SECOND);
            assertThat(local.pausesInForce(4 * SECOND)).isEmpty();
        }
    }

    @Test
    @DisplayName("forgets idle chats, so memory stays bounded")
    void forgetsIdleChats() {
        LocalWindows local = new LocalWindows(share);
        for (int chat = 1; chat <= 1_000; chat++) {
            local.reserve(RateRequest.of(chat), 1_000 * SECOND, 0);
        }

        local.reserve(RateRequest.of(5_000), HORIZON, 1_000 * SECOND);

        assertThat(local.trackedChats()).isEqualTo(1);
    }
}
