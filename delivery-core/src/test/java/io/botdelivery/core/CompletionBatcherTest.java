package io.botdelivery.core;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.LeasedWrites;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Completions written together: one store call per batch, every follow-up called once with its own answer. */
class CompletionBatcherTest {
    private final List<List<DeliveryId>> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<Runnable> scheduled = Collections.synchronizedList(new ArrayList<>());
    private final Map<DeliveryId, Boolean> answers = new ConcurrentHashMap<>();
    private final Map<DeliveryId, AtomicInteger> followUps = new ConcurrentHashMap<>();

    /** A store that answers only completeAll, through {@code completeAll}; everything else is not expected here. */
    private CompletionBatcher batcher(Function<List<LeasedWrites.Completion>, Set<DeliveryId>> completeAll, int maxBatch) {
        RetryStore store = (RetryStore) Proxy.newProxyInstance(RetryStore.class.getClassLoader(),
                new Class<?>[] {RetryStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("completeAll")) {
                        @SuppressWarnings("unchecked")
                        List<LeasedWrites.Completion> batch = (List<LeasedWrites.Completion>) args[0];
                        calls.add(batch.stream().map(LeasedWrites.Completion::id).toList());
                        return completeAll.apply(batch);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        TaskScheduler scheduler = (delay, task) -> {
            scheduled.add(task);
            return () -> { };
        };
        EngineContext ctx = new EngineContext(store, null, null, Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC),
                scheduler, EngineConfig.defaults().withWorkerId("w"), new EngineMetrics(new SimpleMeterRegistry()), new Random(1));
        return new CompletionBatcher(ctx, new DurableWrites(ctx), maxBatch);
    }

    private void complete(CompletionBatcher batcher, DeliveryId id) {
        batcher.complete(id, List.of(1L), done -> {
            answers.put(id, done);
            followUps.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        });
    }

    private static List<DeliveryId> ids(int n) {
        List<DeliveryId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(DeliveryId.random());
        }
        return ids;
    }

    @Test
    @DisplayName("completions that arrive while a batch is being written go together in the next store call")
    void groupsWhileWriting() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<DeliveryId> ids = ids(7);
        DeliveryId lost = ids.get(4);
        CompletionBatcher batcher = batcher(batch -> {
            if (calls.size() == 1) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return batch.stream().map(LeasedWrites.Completion::id).filter(lost::equals).collect(java.util.stream.Collectors.toSet());
        }, 4);
        Thread first = new Thread(() -> complete(batcher, ids.get(0)));
        first.start();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (DeliveryId id : ids.subList(1, 7)) {
            complete(batcher, id); // a write is running: queued, returns at once
        }
        assertThat(calls).hasSize(1);
        assertThat(answers).isEmpty();
        release.countDown();
        first.join(10_000);

        // the writer took the six queued ones in batches of at most four, in arrival order
        assertThat(calls).containsExactly(List.of(ids.get(0)), ids.subList(1, 5), ids.subList(5, 7));
        assertThat(followUps).hasSize(7).allSatisfy((id, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(answers).containsEntry(lost, false);
        assertThat(answers.entrySet().stream().filter(Map.Entry::getValue).count()).isEqualTo(6);
    }

    @Test
    @DisplayName("alone, a completion is written at once as a batch of one")
    void aloneAtOnce() {
        CompletionBatcher batcher = batcher(batch -> Set.of(), 100);
        List<DeliveryId> ids = ids(3);
        for (DeliveryId id : ids) {
            complete(batcher, id);
            assertThat(answers).containsEntry(id, true);
        }
        assertThat(calls).containsExactly(List.of(ids.get(0)), List.of(ids.get(1)), List.of(ids.get(2)));
    }

    @Test
    @DisplayName("a batch the store cannot take is retried later, whole, and holds back no later batch")
    void outageRetried() {
        AtomicInteger failures = new AtomicInteger(1);
        CompletionBatcher batcher = batcher(batch -> {
            if (failures.getAndDecrement() > 0) {
                throw new RetryStoreException("connection refused", null);
            }
            return Set.of();
        }, 100);
        List<DeliveryId> ids = ids(2);
        complete(batcher, ids.get(0));
        assertThat(answers).isEmpty();
        assertThat(scheduled).hasSize(1);

        complete(batcher, ids.get(1));
        assertThat(answers).containsOnlyKeys(ids.get(1));

        scheduled.remove(0).run();
        assertThat(answers).containsEntry(ids.get(0), true).containsEntry(ids.get(1), true);
        assertThat(followUps).allSatisfy((id, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(calls).containsExactly(List.of(ids.get(0)), List.of(ids.get(1)), List.of(ids.get(0)));
    }
}
