package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.testkit.NotifierContract;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

@DisplayName("TelegramNotifier keeps the Notifier contract")
class TelegramNotifierContractTest extends NotifierContract {
    private static final long ADMIN = 9_000_001L;
    private TelegramSimulator telegram;
    private LocalRateLimiter limiter;

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
        limiter = new LocalRateLimiter(NotifierFixture.BUDGETS, Clock.systemUTC());
        return new TelegramNotifier(TelegramNotifierConfig.of(connection, ADMIN), limiter, Clock.systemUTC());
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

    /** Telegram's answer when the admin never started the bot: a 400, not a reason to report success. */
    @Override
    protected boolean rejectNextAsInvalid(int n) {
        for (int i = 0; i < n; i++) {
            telegram.faults().nextFor(ADMIN, Fault.error(400, "Bad Request: chat not found"));
        }
        return true;
    }

    /**
     * The Bot API takes the alert and does not answer for 8 s, longer than the port's bound plus the kit's second of
     * slack (the notifier's own timeout must end the call); short enough that closing the simulator does not wait long.
     */
    @Override
    protected boolean makeBackendHang() {
        for (int i = 0; i < 5; i++) {
            telegram.faults().nextFor(ADMIN, Fault.latency(Duration.ofSeconds(8)));
        }
        return true;
    }

    /** Nothing listens on the Bot API's port any more: connection refused. */
    @Override
    protected boolean makeBackendUnreachable() {
        telegram.close();
        return true;
    }

    /** Another instance met a bot-wide 429: the next admin slot is 20 s away, far more than a call may wait. */
    @Override
    protected void congest() {
        limiter.penalize(LimitScope.global(), Duration.ofSeconds(20));
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }
}
