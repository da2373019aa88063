package io.botdelivery.core;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Budgets")
class BudgetTest {
    @Test
    @DisplayName("even spacing is rounded up, so 30 per second never fits 31 sends into one second")
    void spacingRoundsUp() {
        long interval = Budget.perSecond(30).emissionIntervalNanos();
        assertThat(interval).isEqualTo(33_333_334L);
        assertThat(30 * interval).isGreaterThanOrEqualTo(1_000_000_000L);
    }

    @Test
    @DisplayName("a share for one of n instances divides permits, or stretches the window when permits are fewer than n")
    void share() {
        assertThat(Budget.perSecond(30).share(3)).isEqualTo(Budget.perSecond(10));
        assertThat(Budget.perSecond(1).share(3)).isEqualTo(Budget.of(1, Duration.ofSeconds(3)));
        assertThat(Budget.of(20, Duration.ofMinutes(1)).share(4)).isEqualTo(Budget.of(5, Duration.ofMinutes(1)));
        RateBudgets shared = RateBudgets.telegramDefaults().share(2);
        assertThat(shared.privateChat()).isEqualTo(Budget.of(1, Duration.ofSeconds(2)));
        assertThat(shared.global()).isEqualTo(Budget.perSecond(15));
    }

    @Test
    @DisplayName("an arrival margin lengthens every window and keeps permits and burst")
    void arrivalMargin() {
        Duration margin = Duration.ofMillis(50);
        RateBudgets widened = RateBudgets.telegramDefaults().withArrivalMargin(margin);

        assertThat(widened.global()).isEqualTo(Budget.of(30, Duration.ofMillis(1050)));
        assertThat(widened.privateChat()).isEqualTo(Budget.of(1, Duration.ofMillis(1050)));
        assertThat(widened.groupChat()).isEqualTo(Budget.of(20, Duration.ofSeconds(60).plus(margin)));
        assertThat(widened.paidBroadcast()).isEqualTo(Budget.of(1000, Duration.ofMillis(1050)));
        assertThat(Budget.perSecond(30).withBurst(3).withArrivalMargin(margin).burst()).isEqualTo(3);
        assertThat(RateBudgets.telegramDefaults().withArrivalMargin(Duration.ZERO)).isEqualTo(RateBudgets.telegramDefaults());
    }

    @Test
    @DisplayName("separate arrival margins: the lanes' windows by one, the chats' by the other")
    void separateArrivalMargins() {
        RateBudgets widened = RateBudgets.telegramDefaults().withArrivalMargins(Duration.ofMillis(50), Duration.ofMillis(250));

        assertThat(widened.global()).isEqualTo(Budget.of(30, Duration.ofMillis(1050)));
        assertThat(widened.paidBroadcast()).isEqualTo(Budget.of(1000, Duration.ofMillis(1050)));
        assertThat(widened.privateChat()).isEqualTo(Budget.of(1, Duration.ofMillis(1250)));
        assertThat(widened.groupChat()).isEqualTo(Budget.of(20, Duration.ofMillis(60_250)));
    }

    @Test
    @DisplayName("a negative arrival margin is refused")
    void negativeMargin() {
        assertThatThrownBy(() -> Budget.perSecond(30).withArrivalMargin(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("margin");
    }
}
