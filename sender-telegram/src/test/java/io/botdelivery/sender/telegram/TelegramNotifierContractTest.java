package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.Notifier;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.testkit.NotifierContract;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

@DisplayName("TelegramNotifier keeps the Notifier contract")
class TelegramNotifierContractTest extends NotifierContract {
    private static final long ADMIN = 9_000_001L;
    private TelegramSimulator telegram;

    @BeforeEach
    void startTelegram() {
        telegram = TelegramSimulator.start(NotifierFixture.simulator().build());
    }

    @AfterEach
    void stopTelegram() {
        telegram.close();
    }

    @Override
    protected Notifier createNotifier() {
        TelegramSenderConfig connection = TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl());
        return new TelegramNotifier(TelegramNotifierConfig.of(connection, ADMIN),
                new LocalRateLimiter(NotifierFixture.BUDGETS, Clock.systemUTC()), Clock.systemUTC());
    }

    @Override
    protected List<String> receivedAlerts() {
        return telegram.record().contentsIn(ADMIN);
    }

    @Override
    protected void refuseNext(int n) {
        for (int i = 0; i < n; i++) {
            telegram.faults().nextFor(ADMIN, Fault.serverError());
        }
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }
}
