package io.botdelivery.core;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.LeasedWrites.Attempt;
import io.botdelivery.core.spi.RetryStoreException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Callers that wait for their item's answer: batched while a write runs, each answered once, none left behind. */
class GroupCommitTest {
    private final List<List<DeliveryId>> calls = Collections.synchronizedList(new ArrayList<>());

    private static Attempt attempt() {
        return new Attempt(DeliveryId.random(), new AttemptState(0, 1, 0, List.of(), null, null, true));
    }

    /** A write that records its batch, then blocks the first call until {@code release}, then applies {@code answer}. */
    private GroupCommit<Attempt> group(int maxBatch, CountDownLatch firstEntered, CountDownLatch release,
                                       java.util.function.Function<List<Attempt>, Set<DeliveryId>> answer) {
        return new GroupCommit<>(maxBatch, batch -> {
            calls.add(batch.stream().map(Attempt::id).toList());
            if (calls.size() == 1) {
                firstEntered.countDown();
                try {
                    assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CompletableFuture.completedFuture(answer.apply(batch));
        });
    }

    /**
     * Starts one caller per attempt on {@code threads}, each submitting it and waiting for its answer, and returns once
     * all have submitted (while a write runs, they wait for the writer).
     */
    private static List<Future<Boolean>> waitingCallers(ExecutorService threads, GroupCommit<Attempt> group,
                                                        List<Attempt> attempts) throws InterruptedException {
        CountDownLatch queued = new CountDownLatch(attempts.size());
        List<Future<Boolean>> answers = new ArrayList<>();
        for (Attempt a : attempts) {
            answers.add(threads.submit(() -> {
                CompletableFuture<Boolean> answer = group.submit(a);
                queued.countDown();
                return answer.join();
            }));
        }
        assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue();
        return answers;
    }

    @Test
    @DisplayName("callers that arrive while a batch is written wait together and share the next store call; each gets its own answer")
    void waitingCallersShareTheNextBatch() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Attempt first = attempt();
        List<Attempt> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            others.add(attempt());
        }
        DeliveryId lost = others.get(2).id();
        GroupCommit<Attempt> group = group(100, entered, release,
                batch -> batch.stream().map(Attempt::id).filter(lost::equals).collect(Collectors.toSet()));
        ExecutorService threads = Executors.newFixedThreadPool(7);
        try {
            Future<Boolean> firstAnswer = threads.submit(() -> group.submit(first).join());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Boolean>> answers = waitingCallers(threads, group, others);
            assertThat(answers).as("a write is running: they wait for the writer").noneMatch(Future::isDone);
            release.countDown();

            assertThat(firstAnswer.get(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < others.size(); i++) {
                assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).as("answer #%d", i).isEqualTo(!others.get(i).id().equals(lost));
            }
            assertThat(calls).hasSize(2);
            assertThat(calls.get(0)).containsExactly(first.id());
            assertThat(calls.get(1)).as("the six waiting callers in one store call")
                    .containsExactlyInAnyOrderElementsOf(others.stream().map(Attempt::id).toList());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @DisplayName("a batch whose write throws fails each of its waiting callers with that exception, and no other batch")
    void failingBatchFailsEachWaitingCaller() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RetryStoreException outage = new RetryStoreException("connection refused", null);
        GroupCommit<Attempt> group = group(100, entered, release, batch -> {
            if (calls.size() == 2) {
                throw outage;
            }
            return Set.of();
        });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            Future<Boolean> firstAnswer = threads.submit(() -> group.submit(attempt()).join());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Boolean>> failing = waitingCallers(threads, group, List.of(attempt(), attempt(), attempt()));
            release.countDown();

            assertThat(firstAnswer.get(10, TimeUnit.SECONDS)).as("the batch before").isTrue();
            for (Future<Boolean> answer : failing) {
                assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .rootCause().isSameAs(outage);
            }
            assertThat(calls).hasSize(2);
            assertThat(group.submit(attempt()).join()).as("the batch after").isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    @DisplayName("a write that throws synchronously for a lone caller fails that caller, and the next caller writes again")
    void loneFailure() {
        List<Boolean> failNext = Collections.synchronizedList(new ArrayList<>(List.of(true)));
        GroupCommit<Attempt> group = new GroupCommit<>(10, batch -> {
            calls.add(batch.stream().map(Attempt::id).toList());
            if (!failNext.isEmpty() && failNext.remove(0)) {
                throw new RetryStoreException("timeout", null);
            }
            return CompletableFuture.completedFuture(Set.of());
        });

        assertThat(group.submit(attempt())).isCompletedExceptionally();
        assertThat(group.submit(attempt()).join()).isTrue();
        assertThat(calls).hasSize(2);
    }

    @Test
    @DisplayName("under many racing callers every item is written exactly once, in batches of at most the maximum, and every caller is answered")
    void noItemStranded() throws Exception {
        int threads = 8;
        int perThread = 300;
        int maxBatch = 5;
        GroupCommit<Attempt> group = new GroupCommit<>(maxBatch, batch -> {
            calls.add(batch.stream().map(Attempt::id).toList());
            Thread.yield();
            return CompletableFuture.completedFuture(Set.of());
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Set<DeliveryId> submitted = Collections.synchronizedSet(new HashSet<>());
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    int answered = 0;
                    for (int i = 0; i < perThread; i++) {
                        Attempt a = attempt();
                        submitted.add(a.id());
                        if (group.submit(a).get(10, TimeUnit.SECONDS)) {
                            answered++;
                        }
                    }
                    return answered;
                }));
            }
            start.countDown();
            for (Future<Integer> w : workers) {
                assertThat(w.get(60, TimeUnit.SECONDS)).isEqualTo(perThread);
            }
        } finally {
            pool.shutdownNow();
        }
        List<DeliveryId> written = calls.stream().flatMap(List::stream).toList();
        assertThat(written).hasSize(threads * perThread).doesNotHaveDuplicates();
        assertThat(new HashSet<>(written)).isEqualTo(submitted);
        assertThat(calls).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, maxBatch));
    }
}
