package io.botdelivery.example.broadcast;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Submission;
import io.botdelivery.example.console.ProgressBar;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one {@link Broadcast} to a {@link ChatList} through the delivery engine, which paces it at the full allowed
 * rate; shows a live progress bar and returns what happened. Submitting a recipient an earlier run already handled
 * creates nothing (same idempotency key): it is counted as delivered or failed before, and skipped.
 */
public final class BroadcastRunner {
    private final DeliveryService deliveries;
    private final PrintStream out;
    private final boolean terminal;

    public BroadcastRunner(DeliveryService deliveries, PrintStream out, boolean terminal) {
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /**
     * Runs the broadcast and waits until every recipient is finished, or {@code maxWait} has passed (what is left stays
     * queued in the store).
     *
     * @param budgetPerSecond the lane's budget, reported next to the achieved rate
     */
    public BroadcastResult run(Broadcast broadcast, ChatList list, Duration maxWait, double budgetPerSecond) {
        long start = System.nanoTime();
        AtomicInteger deliveredNow = new AtomicInteger();
        AtomicInteger failedNow = new AtomicInteger();
        Map<String, Integer> failedByReason = new ConcurrentHashMap<>();
        int deliveredBefore = 0;
        int failedBefore = 0;
        List<CompletableFuture<Delivery>> pending = new ArrayList<>();
        int toSend = list.chatIds().size();
        try (ProgressBar bar = new ProgressBar("broadcast " + broadcast.name(), toSend, deliveredNow::get, failedNow::get, out, terminal)) {
            for (long chatId : list.chatIds()) {
                Submission s = deliveries.submit(broadcast.requestFor(chatId));
                Delivery known = s.created() ? null : deliveries.find(s.id()).orElse(null);
                if (known != null && known.status() == DeliveryStatus.DELIVERED) {
                    deliveredBefore++;
                    deliveredNow.incrementAndGet();
                    continue;
                }
                if (known != null && known.status().isFinal()) {
                    failedBefore++;
                    failedNow.incrementAndGet();
                    continue;
                }
                pending.add(s.outcome().toCompletableFuture().thenApply(d -> {
                    if (d.status() == DeliveryStatus.DELIVERED) {
                        deliveredNow.incrementAndGet();
                    } else {
                        failedByReason.merge(reason(d), 1, Integer::sum);
                        failedNow.incrementAndGet();
                    }
                    return d;
                }));
            }
            awaitAll(pending, maxWait);
        }
        int stillQueued = (int) pending.stream().filter(f -> !f.isDone()).count();
        int finishedBefore = deliveredBefore;
        return new BroadcastResult(broadcast.name(), list.chatIds().size(), list.badLines(), finishedBefore, failedBefore,
                deliveredNow.get() - finishedBefore, failedByReason, stillQueued,
                Duration.ofNanos(System.nanoTime() - start), budgetPerSecond);
    }

    private static String reason(Delivery d) {
        if (d.status() == DeliveryStatus.CANCELLED) {
            return "CANCELLED";
        }
        return d.lastErrorClass() == null ? "UNKNOWN" : d.lastErrorClass().name();
    }

    private static void awaitAll(List<CompletableFuture<Delivery>> pending, Duration maxWait) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // reported as "still queued"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a broadcast delivery ended with an error", e.getCause());
        }
    }
}
