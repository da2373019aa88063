package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramSenderConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;

/**
 * Warms a fresh simulator up before a scenario: texts, uploads and albums to chats outside the workload, well under
 * the budgets. A cold simulator (class loading, JIT, first connections) can stall for a second and then accept the
 * requests queued meanwhile within milliseconds: the stall, not the bot, would then break a window and draw a 429.
 * The coordinator clears the record afterwards.
 */
final class SimulatorWarmUp {
    private static final Logger log = LoggerFactory.getLogger(SimulatorWarmUp.class);
    /** Warm-up chats: far from the workload's ids. */
    static final long FIRST_CHAT = 900_000;
    private static final int SENDS = 60;
    private static final Duration SPACING = Duration.ofMillis(60);

    private SimulatorWarmUp() {
    }

    static void run(TelegramSimulator telegram) throws InterruptedException {
        long t = System.nanoTime();
        Payloads payloads = new Payloads();
        int failed = 0;
        try (TelegramSender sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                .withApiUrl(URI.create("http://127.0.0.1:" + telegram.port())))) {
            for (int i = 0; i < SENDS; i++) {
                long chat = FIRST_CHAT + i;
                WorkKind kind = switch (i % 6) {
                    case 3 -> WorkKind.PHOTO_UPLOAD;
                    case 4 -> WorkKind.DOCUMENT_UPLOAD;
                    case 5 -> WorkKind.ALBUM;
                    default -> WorkKind.TEXT;
                };
                WorkItem item = new WorkItem(i, 0, 0, "warmup-" + i, chat, kind, kind == WorkKind.ALBUM ? 2 : 1, false,
                        AmbiguousOutcomePolicy.RETRY, Priority.NORMAL, Expectation.DELIVER);
                SendOutcome o = sender.send(new SendRequest(DeliveryId.random(), chat, payloads.payload(item), false, 1));
                if (!(o instanceof SendOutcome.Delivered)) {
                    failed++;
                }
                Thread.sleep(SPACING.toMillis());
            }
        }
        log.info("simulator warmed up with {} sends in {} ms ({} not delivered)", SENDS, (System.nanoTime() - t) / 1_000_000, failed);
    }

    /** A text for an instance to send before the scenario starts (its HTTP connection and code paths get warm). */
    static Payload instanceWarmUpText(int slot) {
        return Payload.text("warmup-instance-" + slot + " warming up");
    }

    /** The chat an instance warms up with. */
    static long instanceWarmUpChat(int slot) {
        return FIRST_CHAT + SENDS + slot;
    }

    /** An upload for an instance's warm-up (multipart path). */
    static Payload instanceWarmUpPhoto(int slot) {
        return Payload.photo(MediaSource.bytes("warmup-" + slot + ".jpg", new byte[]{1, 2, 3, 4, 5, 6, 7, 8}),
                "warmup-photo-" + slot);
    }
}
