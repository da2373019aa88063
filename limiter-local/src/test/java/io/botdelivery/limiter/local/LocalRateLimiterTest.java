package io.botdelivery.limiter.local;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The local rate limiter")
class LocalRateLimiterTest {
    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");

    @Nested
    @DisplayName("keeps memory bounded")
    class BoundedMemory {
        /** A bot-wide budget that lets a million chats through in seconds, so only chat state is measured. */
        private final RateBudgets wide = RateBudgets.telegramDefaults().withGlobal(new Budget(1_000_000, Duration.ofSeconds(1), 1000));

        @Test
        @DisplayName("a million distinct chats do not keep a million entries")
        void millionChats() {
            LocalRateLimiter limiter = new LocalRateLimiter(wide, clock);
            long mostTracked = 0;

            // 100 000 new chats per second for 10 s; each chat's state lives 1 s, so about 100 000 are active at once
            for (int chat = 1; chat <= 1_000_000; chat++) {
                clock.advance(Duration.ofNanos(10_000));
                assertThat(limiter.reserve(RateRequest.of(chat), Duration.ZERO)).isInstanceOf(Reservation.Granted.class);
                mostTracked = Math.max(mostTracked, limiter.trackedChats());
            }

            assertThat(mostTracked).as("most chats tracked at once").isLessThanOrEqualTo(2 * 100_000 + 4096);
            clock.advance(Duration.ofSeconds(20));
            limiter.reserve(RateRequest.of(-1), Duration.ZERO);
            assertThat(limiter.trackedChats()).as("chats tracked once every chat is idle").isEqualTo(1);
        }

        @Test
        @DisplayName("a swept chat behaves exactly like a chat never seen")
        void sweptChatIsFresh() {
            LocalRateLimiter limiter = new LocalRateLimiter(LocalRateLimiterConfig.of(wide).withSweepPeriod(Duration.ofSeconds(1)), clock);
            limiter.reserve(RateRequest.of(1), Duration.ZERO);
            clock.advance(Duration.ofSeconds(2));
            limiter.reserve(RateRequest.of(2), Duration.ZERO);
            assertThat(limiter.trackedChats()).isEqualTo(1);

            assertThat(limiter.reserve(RateRequest.of(1), Duration.ZERO)).isEqualTo(Reservation.granted(Duration.ZERO));
            assertThat(limiter.reserve(RateRequest.of(1), Duration.ofSeconds(5))).isEqualTo(Reservation.granted(Duration.ofSeconds(1)));
        }

        @Test
        @DisplayName("penalties on many chats do not keep them all once the penalties are over")
        void manyPenalizedChats() {
            LocalRateLimiter limiter = new LocalRateLimiter(wide, clock);
            for (int chat = 1; chat <= 100_000; chat++) {
                clock.advance(Duration.ofNanos(100_000));
                limiter.penalize(LimitScope.chat(chat), Duration.ofSeconds(1));
            }

            assertThat(limiter.trackedChats()).as("chats tracked: about 10 000 penalties are running at once")
                    .isLessThanOrEqualTo(2 * 10_000 + 4096);
        }

        @Test
        @DisplayName("keeps a penalized chat until its penalty is over")
        void penalizedChatIsKept() {
            LocalRateLimiter limiter = new LocalRateLimiter(LocalRateLimiterConfig.of(wide).withSweepPeriod(Duration.ofSeconds(1)), clock);
            limiter.penalize(LimitScope.chat(1), Duration.ofMinutes(1));
            clock.advance(Duration.ofSeconds(30));
            limiter.reserve(RateRequest.of(2), Duration.ZERO);

            assertThat(limiter.reserve(RateRequest.of(1), Duration.ZERO)).isInstanceOf(Reservation.Denied.class);
        }
    }

    @Nested
    @DisplayName("arguments")
    class Arguments {

        @Test
        @DisplayName("a negative horizon is a caller's bug")
        void negativeHorizon() {
            RateLimiter limiter = new LocalRateLimiter(RateBudgets.telegramDefaults(), clock);

            assertThatThrownBy(() -> limiter.reserve(RateRequest.of(1), Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("horizon");
        }

        @Test
        @DisplayName("a zero or negative penalty changes nothing")
        void emptyPenalty() {
            RateLimiter limiter = new LocalRateLimiter(RateBudgets.telegramDefaults(), clock);

            limiter.penalize(LimitScope.global(), Duration.ZERO);
            limiter.penalize(LimitScope.chat(1), Duration.ofSeconds(-5));

            assertThat(limiter.reserve(RateRequest.of(1), Duration.ZERO)).isEqualTo(Reservation.granted(Duration.ZERO));
        }

        @Test
        @DisplayName("an absurd weight or horizon is answered, not overflowed")
        void absurdNumbers() {
            RateLimiter limiter = new LocalRateLimiter(RateBudgets.telegramDefaults(), clock);

            assertThat(limiter.reserve(new RateRequest(1, Integer.MAX_VALUE, false), Duration.ofDays(365 * 1000)))
                    .isEqualTo(Reservation.granted(Duration.ZERO));
            // counted as WindowRule.MAX_COUNTED_WEIGHT messages, a window apart: the chat is held for 10,000 s
            assertThat(limiter.reserve(RateRequest.of(1), Duration.ofHours(2))).isInstanceOf(Reservation.Denied.class);
        }

        @Test
        @DisplayName("the configuration refuses a sweep period that is not positive")
        void configValidation() {
            assertThatThrownBy(() -> LocalRateLimiterConfig.defaults().withSweepPeriod(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sweepPeriod");
            assertThat(LocalRateLimiterConfig.defaults().budgets()).isEqualTo(RateBudgets.telegramDefaults());
        }
    }

    @Nested
    @DisplayName("in Guice")
    class InGuice {

        @Test
        @DisplayName("the module binds the port to one local limiter on the application's clock")
        void moduleBindsThePort() {
            Injector injector = Guice.createInjector(
                    new LocalRateLimiterModule(LocalRateLimiterConfig.defaults()),
                    binder -> binder.bind(Clock.class).toInstance(clock));

            RateLimiter limiter = injector.getInstance(RateLimiter.class);

            assertThat(limiter).isInstanceOf(LocalRateLimiter.class).isSameAs(injector.getInstance(RateLimiter.class));
            limiter.reserve(RateRequest.of(1), Duration.ZERO);
            clock.advance(Duration.ofMillis(500));
            assertThat(limiter.reserve(RateRequest.of(1), Duration.ofSeconds(1))).isEqualTo(Reservation.granted(Duration.ofMillis(500)));
        }
    }
}
