package io.botdelivery.testkit.sender;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fixture {@link SenderContract}'s cases run on: the simulator, the senders under test, and the helpers the cases
 * share. Adapters extend {@link SenderContract}, not this.
 */
public abstract class SenderContractFixture {

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    protected TelegramSimulator telegram;
    /** Every sender created for this test, closed after it. */
    final List<Sender> senders = new ArrayList<>();
    /** The sender most cases use: reads answers for up to 10 s. */
    Sender sender;

    /** A sender for {@code target}. Closed after each test if it is {@link AutoCloseable}. */
    protected abstract Sender createSender(SenderContract.Target target);

    /** What this sender can do beyond the core; none by default. */
    protected Set<SenderContract.Capability> capabilities() {
        return EnumSet.noneOf(SenderContract.Capability.class);
    }

    @BeforeEach
    void startTelegram() {
        telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
        sender = sender(telegram.baseUrl(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stopTelegram() throws Exception {
        for (Sender s : senders) {
            if (s instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        telegram.close();
    }

    Sender sender(URI apiUrl, Duration readTimeout) {
        Sender created = createSender(new SenderContract.Target(apiUrl, telegram.token(), readTimeout));
        senders.add(created);
        return created;
    }

    protected SendOutcome send(long chatId, Payload payload) {
        return sender.send(new SendRequest(DeliveryId.random(), chatId, payload, false, 1));
    }

    void require(SenderContract.Capability capability) {
        assumeTrue(capabilities().contains(capability), "the sender does not declare " + capability);
    }

    static MediaSource.Bytes bytes(String name) {
        return MediaSource.bytes(name, ("content of " + name).getBytes(StandardCharsets.UTF_8));
    }

    static Payload.Album album(int items) {
        List<Payload.Media> media = new ArrayList<>();
        for (int i = 1; i <= items; i++) {
            media.add(Payload.photo(MediaSource.url("https://cdn.example.com/" + i + ".jpg"), "item " + i));
        }
        return new Payload.Album(media);
    }
}
