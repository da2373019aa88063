package io.botdelivery.core;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.LeasedWrites;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Group commit for completions: a delivered send's "DELIVERED" write joins the ones waiting, and they reach the store
 * together through {@link LeasedWrites#completeAll}, one round trip per batch instead of one per delivery (see
 * {@link GroupCommit}: no timer, no added wait). A batch that fails goes to {@link DurableWrites} (retried with
 * backoff, never dropped), so an outage holds back no later batch.
 *
 * <p><b>Threads.</b> {@link #complete} may be called from any thread but never under the engine lock; the follow-ups
 * run on the thread that wrote the batch (or on the scheduler's, after a retry).
 */
final class CompletionBatcher {
    private static final Logger log = LoggerFactory.getLogger(CompletionBatcher.class);

    private final EngineContext ctx;
    private final DurableWrites writes;
    private final GroupCommit<LeasedWrites.Completion> group;

    /** @param maxBatch completions per store call at most (the engine's claim batch: a size the store handles) */
    CompletionBatcher(EngineContext ctx, DurableWrites writes, int maxBatch) {
        this.ctx = ctx;
        this.writes = writes;
        this.group = new GroupCommit<>(maxBatch, this::write);
    }

    /**
     * Completes {@code id} with {@code messageIds} in the store, alone or with others, then calls {@code then} with
     * whether it was completed (false: its lease was lost), possibly on another thread.
     */
    void complete(DeliveryId id, List<Long> messageIds, Consumer<Boolean> then) {
        group.submit(new LeasedWrites.Completion(id, messageIds)).thenAccept(completed -> {
            try {
                then.accept(completed);
            } catch (RuntimeException e) {
                // a bug in one delivery's follow-up must not leave the rest of the batch unfinished in memory
                log.error("could not finish delivery {} after its completion was written", id, e);
            }
        });
    }

    /** One batch through {@link DurableWrites}: answered once written, however many tries that takes. */
    private CompletionStage<Set<DeliveryId>> write(List<LeasedWrites.Completion> batch) {
        CompletableFuture<Set<DeliveryId>> answer = new CompletableFuture<>();
        AtomicReference<Set<DeliveryId>> notCompleted = new AtomicReference<>(Set.of());
        String what = batch.size() == 1 ? "complete delivery " + batch.get(0).id() : "complete " + batch.size() + " deliveries";
        writes.persist(what, () -> {
            notCompleted.set(ctx.store.completeAll(batch, ctx.workerId(), ctx.now()));
            return true;
        }, written -> answer.complete(notCompleted.get()));
        return answer;
    }
}
