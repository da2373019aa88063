package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.Sender;
import io.botdelivery.testkit.sender.SenderContract;
import org.junit.jupiter.api.DisplayName;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

@DisplayName("TelegramSender keeps the Sender contract")
class TelegramSenderContractTest extends SenderContract {
    @Override
    protected Sender createSender(Target target) {
        return new TelegramSender(TelegramSenderConfig.defaults(target.token()).withApiUrl(target.apiUrl())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), target.readTimeout()));
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }
}
