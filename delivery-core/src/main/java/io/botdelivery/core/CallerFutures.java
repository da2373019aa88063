package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.OutcomeUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The futures handed to callers by {@code submit}, one per unfinished delivery this process accepted or was asked
 * about. A future completes with the final snapshot wherever the delivery ends: here, or on another instance (found when
 * the poller {@linkplain #sweep checks} a batch of them against the store, or when a caller {@code find}s it). When the
 * engine closes, each one still pending completes, with the final snapshot if the store has one by then, or
 * exceptionally with {@link OutcomeUnavailableException} ("engine closed").
 *
 * <p><b>Thread-safety.</b> Lock-free: a concurrent map and a concurrent queue (the order in which the sweep checks
 * them); completing a future twice is harmless. Futures complete on the thread that found the outcome, outside any lock.
 */
final class CallerFutures {
    private final Map<DeliveryId, CompletableFuture<Delivery>> pending = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<DeliveryId> sweepOrder = new ConcurrentLinkedQueue<>();
    /**
     * About how many ids {@link #sweepOrder} holds: {@code ConcurrentLinkedQueue.size()} walks the whole queue, and a
     * 100,000-chat broadcast keeps 100,000 futures pending while the poller sweeps several times a second.
     */
    private final AtomicInteger sweepOrderSize = new AtomicInteger();

    /** The future for {@code d}: completed already when {@code d} is final. */
    CompletableFuture<Delivery> futureFor(Delivery d) {
        if (d.status().isFinal()) {
            return CompletableFuture.completedFuture(d);
        }
        return pending.computeIfAbsent(d.id(), id -> {
            sweepOrder.add(id);
            sweepOrderSize.incrementAndGet();
            return new CompletableFuture<>();
        });
    }

    /** Completes the future of {@code d} if {@code d} is final; harmless otherwise or when there is none. */
    void completeIfFinal(Delivery d) {
        if (d.status().isFinal()) {
            CompletableFuture<Delivery> f = pending.remove(d.id());
            if (f != null) {
                f.complete(d);
            }
        }
    }

    /** Whether a caller waits for {@code id}'s outcome here. */
    boolean isPending(DeliveryId id) {
        return pending.containsKey(id);
    }

    int pendingCount() {
        return pending.size();
    }

    /**
     * Checks up to {@code max} pending futures, oldest check first, skipping those {@code skip} says this engine is
     * working on (their outcome is applied here), and completes those whose delivery {@code lookup} finds final.
     */
    void sweep(int max, java.util.function.Predicate<DeliveryId> skip, Function<List<DeliveryId>, List<Delivery>> lookup) {
        List<DeliveryId> batch = new ArrayList<>();
        int seen = 0;
        int size = sweepOrderSize.get();
        DeliveryId id;
        while (batch.size() < max && seen++ < size && (id = sweepOrder.poll()) != null) {
            if (!pending.containsKey(id)) {
                sweepOrderSize.decrementAndGet();
                continue;
            }
            sweepOrder.add(id);
            if (!skip.test(id)) {
                batch.add(id);
            }
        }
        if (!batch.isEmpty()) {
            lookup.apply(batch).forEach(this::completeIfFinal);
        }
    }

    /**
     * Completes every pending future: with the final snapshot when {@code lookup} has one, otherwise exceptionally
     * with {@link OutcomeUnavailableException} naming the last known state. {@code lookup} must not throw.
     */
    void closeAll(Function<DeliveryId, Optional<Delivery>> lookup) {
        for (DeliveryId id : List.copyOf(pending.keySet())) {
            CompletableFuture<Delivery> f = pending.remove(id);
            if (f == null) {
                continue;
            }
            Optional<Delivery> last = lookup.apply(id);
            if (last.isPresent() && last.get().status().isFinal()) {
                f.complete(last.get());
            } else {
                f.completeExceptionally(OutcomeUnavailableException.engineClosed(id, last.orElse(null)));
            }
        }
        sweepOrder.clear();
        sweepOrderSize.set(0);
    }
}
