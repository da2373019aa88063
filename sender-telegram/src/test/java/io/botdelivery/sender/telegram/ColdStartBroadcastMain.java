package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link ColdStartTest}: a cold process that wires the engine as a user would (local limiter with the
 * default arrival margins, memory store, a new {@link TelegramSender}), broadcasts one text to each of its chats at
 * once, and exits. Arguments: {@code <api url> <token> <first chat id> <chats>}; prints {@code @DELIVERED <n>}.
 */
public final class ColdStartBroadcastMain {
    private ColdStartBroadcastMain() {
    }

    public static void main(String[] args) throws Exception {
        URI api = URI.create(args[0]);
        long firstChat = Long.parseLong(args[2]);
        int chats = Integer.parseInt(args[3]);
        RateBudgets budgets = RateBudgets.telegramDefaults().withArrivalMargins(Duration.ofMillis(50), Duration.ofMillis(250));
        int delivered = 0;
        try (TelegramSender sender = new TelegramSender(TelegramSenderConfig.defaults(args[1]).withApiUrl(api));
             InMemoryRetryStore store = new InMemoryRetryStore();
             DeliveryEngine engine = DeliveryEngine.builder().store(store)
                     .limiter(new LocalRateLimiter(budgets, Clock.systemUTC())).sender(sender).build().start()) {
            List<DeliveryRequest> requests = new ArrayList<>();
            for (int i = 0; i < chats; i++) {
                requests.add(DeliveryRequest.builder(firstChat + i, Payload.text("cold " + i)).build());
            }
            List<CompletableFuture<Delivery>> outcomes = new ArrayList<>();
            for (Submission s : engine.submitAll(requests)) {
                outcomes.add(s.outcome().toCompletableFuture());
            }
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (CompletableFuture<Delivery> f : outcomes) {
                if (f.join().status() == DeliveryStatus.DELIVERED) {
                    delivered++;
                }
            }
        }
        System.out.println("@DELIVERED " + delivered);
        System.out.flush();
        System.exit(0);
    }
}
