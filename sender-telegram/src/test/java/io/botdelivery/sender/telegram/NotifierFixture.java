package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.simulator.SimulatorConfig;

import java.time.Duration;

/**
 * For the tests that run on real time (the contract's concurrency test): budgets scaled down so a few alerts take a
 * couple of seconds, shared by the simulator and the notifier's limiter. On real time the gap between two arrivals is
 * the limiter's exact spacing plus the difference of two network and scheduling delays, which on a busy machine
 * reaches tens of milliseconds, so the simulator's jitter tolerance is large here. The strict pacing test
 * ({@code TelegramNotifierTest}) runs on a moved clock with Telegram's real budgets instead.
 */
final class NotifierFixture {
    static final RateBudgets BUDGETS = RateBudgets.telegramDefaults()
            .withPrivateChat(Budget.of(1, Duration.ofMillis(250)))
            .withGroupChat(Budget.of(2, Duration.ofMillis(500)));

    private NotifierFixture() {
    }

    static SimulatorConfig.Builder simulator() {
        return SimulatorConfig.builder().budgets(BUDGETS).arrivalJitterTolerance(Duration.ofMillis(200));
    }
}
