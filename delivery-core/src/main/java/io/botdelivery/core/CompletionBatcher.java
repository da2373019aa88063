package io.botdelivery.core;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.LeasedWrites;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Group commit for completions: a delivered send's "DELIVERED" write joins the ones waiting, and they reach the store
 * together through {@link LeasedWrites#completeAll}, one round trip per batch instead of one per delivery.
 *
 * <p>No timer and no added wait: the thread that finds no write running writes what is queued at once (alone, a batch
 * of one); completions that arrive while it writes are queued, and it takes them in its next batch before it stops.
 * So at a few sends a second every completion is written immediately as before, and at a thousand a second a store
 * round trip carries as many completions as arrived during the previous one. A batch that fails goes to
 * {@link DurableWrites} (retried with backoff, never dropped), so an outage holds back no later batch.
 *
 * <p><b>Threads.</b> {@link #complete} may be called from any thread; the writing is done by one caller at a time,
 * never under the engine lock. Nothing waits in the queue unless a writer is about to take it: the writer checks the
 * queue again after it steps down, so the last completion of a burst is never stranded.
 */
final class CompletionBatcher {
    private static final Logger log = LoggerFactory.getLogger(CompletionBatcher.class);

    private record Pending(LeasedWrites.Completion completion, Consumer<Boolean> then) {
    }

    private final EngineContext ctx;
    private final DurableWrites writes;
    private final int maxBatch;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /** @param maxBatch completions per store call at most (the engine's claim batch: a size the store handles) */
    CompletionBatcher(EngineContext ctx, DurableWrites writes, int maxBatch) {
        this.ctx = ctx;
        this.writes = writes;
        this.maxBatch = Math.max(1, maxBatch);
    }

    /**
     * Completes {@code id} with {@code messageIds} in the store, alone or with others, then calls {@code then} with
     * whether it was completed (false: its lease was lost), possibly on another thread.
     */
    void complete(DeliveryId id, List<Long> messageIds, Consumer<Boolean> then) {
        queue.add(new Pending(new LeasedWrites.Completion(id, messageIds), then));
        while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                writeQueued();
            } finally {
                writing.set(false);
            }
        }
    }

    private void writeQueued() {
        for (List<Pending> batch = nextBatch(); !batch.isEmpty(); batch = nextBatch()) {
            write(batch);
        }
    }

    private List<Pending> nextBatch() {
        List<Pending> batch = new ArrayList<>();
        for (Pending p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
            batch.add(p);
        }
        return batch;
    }

    private void write(List<Pending> batch) {
        List<LeasedWrites.Completion> completions = batch.stream().map(Pending::completion).toList();
        AtomicReference<Set<DeliveryId>> notCompleted = new AtomicReference<>(Set.of());
        String what = batch.size() == 1 ? "complete delivery " + completions.get(0).id()
                : "complete " + batch.size() + " deliveries";
        writes.persist(what, () -> {
            notCompleted.set(ctx.store.completeAll(completions, ctx.workerId(), ctx.now()));
            return true;
        }, written -> {
            Set<DeliveryId> lost = notCompleted.get();
            for (Pending p : batch) {
                try {
                    p.then().accept(!lost.contains(p.completion().id()));
                } catch (RuntimeException e) {
                    // a bug in one delivery's follow-up must not leave the rest of the batch unfinished in memory
                    log.error("could not finish delivery {} after its completion was written", p.completion().id(), e);
                }
            }
        });
    }
}
