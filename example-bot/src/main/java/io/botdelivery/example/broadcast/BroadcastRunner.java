package io.botdelivery.example.broadcast;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Submission;
import io.botdelivery.example.console.ProgressBar;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one {@link Broadcast} to a {@link ChatList} through the delivery engine, which paces it at the full allowed
 * rate; shows a live progress bar and returns what happened. Submitting a recipient an earlier run already handled
 * creates nothing (same idempotency key): it is counted as delivered or failed before, and skipped. A recipient another
 * running instance submitted (same broadcast on two replicas) is watched in the store until it is finished.
 */
public final class BroadcastRunner {
    private static final Duration WATCH_EVERY = Duration.ofMillis(250);
    private static final Duration FIND_EVERY = Duration.ofSeconds(1);
    private static final int SUBMITTERS = 8;

    private final DeliveryService deliveries;
    private final PrintStream out;
    private final boolean terminal;

    public BroadcastRunner(DeliveryService deliveries, PrintStream out, boolean terminal) {
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /** One recipient still running: its outcome comes from this engine's future, or, if another instance holds it, from the store. */
    private final class Watched {
        final DeliveryId id;
        final CompletableFuture<Delivery> outcome;
        final boolean ours;
        final AtomicBoolean done = new AtomicBoolean();

        Watched(Submission s) {
            this.id = s.id();
            this.outcome = s.outcome().toCompletableFuture();
            this.ours = s.created();
        }
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
        AtomicInteger finishedBefore = new AtomicInteger();
        AtomicInteger failedCount = new AtomicInteger();
        Map<String, Integer> failedByReason = new ConcurrentHashMap<>();
        AtomicInteger deliveredBefore = new AtomicInteger();
        AtomicInteger failedBefore = new AtomicInteger();
        List<Watched> running = Collections.synchronizedList(new ArrayList<>());
        int toSend = list.chatIds().size();
        try (ProgressBar bar = new ProgressBar("broadcast " + broadcast.name(), toSend,
                () -> deliveredNow.get() + finishedBefore.get(), failedCount::get, out, terminal)) {
            // Submitting is one store write per chat: a few threads keep a durable store's round trips from pacing the run.
            ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
            List<Future<?>> submitted = new ArrayList<>();
            for (long chatId : list.chatIds()) {
                submitted.add(submitters.submit(() -> {
                    Submission s = deliveries.submit(broadcast.requestFor(chatId));
                    Delivery known = s.created() ? null : deliveries.find(s.id()).orElse(null);
                    if (known != null && known.status() == DeliveryStatus.DELIVERED) {
                        deliveredBefore.incrementAndGet();
                        finishedBefore.incrementAndGet();
                    } else if (known != null && known.status().isFinal()) {
                        failedBefore.incrementAndGet();
                        failedCount.incrementAndGet();
                    } else {
                        Watched w = new Watched(s);
                        running.add(w);
                        w.outcome.thenAccept(d -> finish(w, d, deliveredNow, failedCount, failedByReason));
                    }
                }));
            }
            submitters.shutdown();
            for (Future<?> f : submitted) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while submitting the broadcast", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a broadcast delivery could not be submitted: " + e.getCause().getMessage(), e.getCause());
                }
            }
            watch(running, maxWait, start, deliveredNow, failedCount, failedByReason);
        }
        int stillQueued;
        synchronized (running) {
            stillQueued = (int) running.stream().filter(w -> !w.done.get()).count();
        }
        return new BroadcastResult(broadcast.name(), list.chatIds().size(), list.badLines(), deliveredBefore.get(), failedBefore.get(),
                deliveredNow.get(), failedByReason, stillQueued, Duration.ofNanos(System.nanoTime() - start), budgetPerSecond);
    }

    private void watch(List<Watched> running, Duration maxWait, long start, AtomicInteger delivered, AtomicInteger failed,
                       Map<String, Integer> failedByReason) {
        long deadline = start + maxWait.toNanos();
        long nextFind = System.nanoTime();
        while (anyRunning(running) && System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextFind) {
                List<Watched> snapshot;
                synchronized (running) {
                    snapshot = List.copyOf(running);
                }
                for (Watched w : snapshot) {
                    if (!w.ours && !w.done.get()) {
                        deliveries.find(w.id).filter(d -> d.status().isFinal())
                                .ifPresent(d -> finish(w, d, delivered, failed, failedByReason));
                    }
                }
                nextFind = System.nanoTime() + FIND_EVERY.toNanos();
            }
            try {
                Thread.sleep(WATCH_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean anyRunning(List<Watched> running) {
        synchronized (running) {
            return running.stream().anyMatch(w -> !w.done.get());
        }
    }

    private static void finish(Watched w, Delivery d, AtomicInteger delivered, AtomicInteger failed, Map<String, Integer> failedByReason) {
        if (!w.done.compareAndSet(false, true)) {
            return;
        }
        if (d.status() == DeliveryStatus.DELIVERED) {
            delivered.incrementAndGet();
        } else {
            failedByReason.merge(reason(d), 1, Integer::sum);
            failed.incrementAndGet();
        }
    }

    private static String reason(Delivery d) {
        if (d.status() == DeliveryStatus.CANCELLED) {
            return "CANCELLED";
        }
        return d.lastErrorClass() == null ? "UNKNOWN" : d.lastErrorClass().name();
    }
}
