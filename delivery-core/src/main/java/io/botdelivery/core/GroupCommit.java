package io.botdelivery.core;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.LeasedWrites;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit of one kind of store write: an item joins the ones waiting, and they reach the store together through
 * one batch write (a {@link LeasedWrites} {@code ...All} method), one round trip per batch instead of one per item.
 *
 * <p>No timer and no added wait: the thread that finds no write running writes what is queued at once (alone, a batch
 * of one); items that arrive while it writes are queued, and it takes them in its next batch before it stops. So at a
 * few items a second every item is written immediately, and at a thousand a second a store round trip carries as many
 * items as arrived during the previous one.
 *
 * <p><b>Answers.</b> Each item's future completes with {@code true} when its write was made, {@code false} when the store
 * answered it as not written (its lease was lost), or exceptionally with the batch write's exception: a failing batch
 * fails every item in it, and no other batch. What a failure means (retry later, give up) is the write's to decide:
 * a write that must not be lost retries inside {@link BatchWrite#write} and answers later, and the writer meanwhile goes
 * on with the next batch without waiting for it.
 *
 * <p><b>Threads.</b> {@link #submit} may be called from any thread; the writing is done by one caller at a time, and
 * must never be done under the engine lock (a caller waiting for its answer, or queued behind the writer, would stall
 * every thread that needs the lock). Nothing waits in the queue unless a writer is about to take it: the writer checks
 * the queue again after it steps down, so the last item of a burst is never stranded. An item's future is completed by
 * the thread that wrote its batch, so its dependent actions run there (or on the submitting thread, if it was the
 * writer and attaches them afterwards).
 *
 * @param <T> the batch write's item (its delivery id answers whether it was written)
 */
final class GroupCommit<T extends LeasedWrites.BatchItem> {

    /** The store write of one batch. */
    @FunctionalInterface
    interface BatchWrite<T> {
        /**
         * Writes {@code batch} (at most the group's batch size, each delivery once).
         *
         * @return the ids not written, now or later; a write may also fail by throwing or by failing the stage
         */
        CompletionStage<Set<DeliveryId>> write(List<T> batch);
    }

    private record Pending<T>(T item, CompletableFuture<Boolean> written) {
    }

    private final int maxBatch;
    private final BatchWrite<T> write;
    private final Queue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * @param maxBatch items per store call at most (a size the store handles)
     * @param write    the store write of one batch
     */
    GroupCommit(int maxBatch, BatchWrite<T> write) {
        this.maxBatch = Math.max(1, maxBatch);
        this.write = write;
    }

    /**
     * Writes {@code item} alone or with others. When the calling thread finds no write running it writes the queue
     * itself, its own item included, and returns once the queue is empty; otherwise it returns at once.
     *
     * @return completes with whether the item was written (false: its lease was lost), or exceptionally with the batch
     *         write's failure
     */
    CompletableFuture<Boolean> submit(T item) {
        Pending<T> pending = new Pending<>(item, new CompletableFuture<>());
        queue.add(pending);
        while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                writeQueued();
            } finally {
                writing.set(false);
            }
        }
        return pending.written();
    }

    private void writeQueued() {
        for (List<Pending<T>> batch = nextBatch(); !batch.isEmpty(); batch = nextBatch()) {
            write(batch);
        }
    }

    private List<Pending<T>> nextBatch() {
        List<Pending<T>> batch = new ArrayList<>();
        for (Pending<T> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        return batch;
    }

    private void write(List<Pending<T>> batch) {
        CompletionStage<Set<DeliveryId>> answer;
        Error fatal = null;
        try {
            answer = write.write(batch.stream().map(Pending::item).toList());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        } catch (Error e) {
            // the callers waiting for this batch are answered before the error goes on
            answer = CompletableFuture.failedFuture(e);
            fatal = e;
        }
        answer.whenComplete((notWritten, failure) -> {
            for (Pending<T> p : batch) {
                if (failure != null) {
                    p.written().completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else {
                    p.written().complete(!notWritten.contains(p.item().id()));
                }
            }
        });
        if (fatal != null) {
            throw fatal;
        }
    }
}
