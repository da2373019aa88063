package io.botdelivery.core;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

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
}
