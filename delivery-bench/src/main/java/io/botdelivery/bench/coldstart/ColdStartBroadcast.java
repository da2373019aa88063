package io.botdelivery.bench.coldstart;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramSenderConfig;
import io.botdelivery.store.memory.InMemoryRetryStore;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One cold broadcast, the child JVM of {@link ColdStartRuns}: wires the engine as a user would (local limiter with the
 * default arrival margins, memory store, {@link TelegramSender} on a fresh HTTP client), submits one text to each of
 * {@code chats} private chats at once, waits for every outcome and exits. Nothing runs before the broadcast: no getMe,
 * no warm-up send.
 *
 * <p>Arguments: {@code <api url> <token> <first chat id> <chats>}. Prints {@code @DONE <delivered> <failed> <millis>}.
 */
public final class ColdStartBroadcast {
    /** The example bot's and the Spring starter's default arrival margins. */
    static final Duration LANE_MARGIN = Duration.ofMillis(50);
    static final Duration CHAT_MARGIN = Duration.ofMillis(250);

    private ColdStartBroadcast() {
    }

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args[0]);
        String token = args[1];
        long firstChat = Long.parseLong(args[2]);
        int chats = Integer.parseInt(args[3]);
        long started = System.nanoTime();
        int[] counts = broadcast(api, token, firstChat, chats, Duration.ofSeconds(60));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("@DONE " + counts[0] + " " + counts[1] + " " + millis);
        System.out.flush();
        System.exit(0);
    }

    /**
     * Broadcasts one text to chats {@code firstChat .. firstChat + chats - 1} on a newly wired engine and closes it;
     * returns {delivered, not delivered}.
     */
    public static int[] broadcast(URI api, String token, long firstChat, int chats, Duration timeout) throws Exception {
        TelegramSenderConfig telegram = TelegramSenderConfig.defaults(token).withApiUrl(api);
        RateBudgets budgets = RateBudgets.telegramDefaults().withArrivalMargins(LANE_MARGIN, CHAT_MARGIN);
        try (TelegramSender sender = new TelegramSender(telegram);
             InMemoryRetryStore store = new InMemoryRetryStore();
             DeliveryEngine engine = DeliveryEngine.builder()
                     .store(store)
                     .limiter(new LocalRateLimiter(budgets, Clock.systemUTC()))
                     .sender(sender)
                     .build()
                     .start()) {
            List<DeliveryRequest> requests = new ArrayList<>(chats);
            for (int i = 0; i < chats; i++) {
                requests.add(DeliveryRequest.builder(firstChat + i, Payload.text("cold start " + (firstChat + i))).build());
            }
            List<CompletableFuture<Delivery>> outcomes = new ArrayList<>(chats);
            for (Submission s : engine.submitAll(requests)) {
                outcomes.add(s.outcome().toCompletableFuture());
            }
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int delivered = 0;
            for (CompletableFuture<Delivery> f : outcomes) {
                if (f.join().status() == DeliveryStatus.DELIVERED) {
                    delivered++;
                }
            }
            return new int[] {delivered, chats - delivered};
        }
    }
}
