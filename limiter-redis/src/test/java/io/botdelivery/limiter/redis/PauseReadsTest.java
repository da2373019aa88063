package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PauseReadsTest {
    private static final long INTERVAL = 50_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    /** The reads started, in order; a test completes them with what is left of the pause, in µs. */
    private final List<CompletableFuture<Long>> reads = new ArrayList<>();

    private PauseReads pauseReads(long interval) {
        return new PauseReads(interval, now::get, () -> {
            CompletableFuture<Long> read = new CompletableFuture<>();
            reads.add(read);
            return read;
        });
    }

    @Test
    @DisplayName("the first call waits for a read; calls within the interval reuse it without asking Redis")
    void reusesAReadWithinTheInterval() {
        PauseReads pauses = pauseReads(INTERVAL);

        CompletableFuture<Long> first = pauses.pauseUntil(now.get());
        assertThat(first).isNotDone();
        reads.get(0).complete(3_000_000L);
        assertThat(first.join()).isEqualTo(4_000_000L);

        now.addAndGet(INTERVAL / 2 - 1);
        assertThat(pauses.pauseUntil(now.get()).join()).isEqualTo(4_000_000L);
        assertThat(reads).hasSize(1);
    }

    @Test
    @DisplayName("half an interval on, a read starts in the background and callers still answer at once")
    void readsAheadWithoutMakingCallersWait() {
        PauseReads pauses = pauseReads(INTERVAL);
        pauses.pauseUntil(now.get());
        reads.get(0).complete(0L);

        now.addAndGet(INTERVAL / 2);
        assertThat(pauses.pauseUntil(now.get())).isCompletedWithValue(0L);
        assertThat(pauses.pauseUntil(now.get())).isCompletedWithValue(0L);
        assertThat(reads).as("one read ahead, shared").hasSize(2);

        // another instance's 429 shows once the read ahead comes back
        reads.get(1).complete(2_000_000L);
        assertThat(pauses.pauseUntil(now.get())).isCompletedWithValue(now.get() + 2_000_000L);
    }

    @Test
    @DisplayName("after a whole interval without a read, callers wait for a fresh one and share it")
    void staleAnswersAreNotUsed() {
        PauseReads pauses = pauseReads(INTERVAL);
        pauses.pauseUntil(now.get());
        reads.get(0).complete(0L);

        now.addAndGet(INTERVAL);
        CompletableFuture<Long> a = pauses.pauseUntil(now.get());
        CompletableFuture<Long> b = pauses.pauseUntil(now.get());
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(reads).hasSize(2);

        reads.get(1).complete(1_000L);
        assertThat(a.join()).isEqualTo(now.get() + 1_000L);
        assertThat(b.join()).isEqualTo(now.get() + 1_000L);
    }

    @Test
    @DisplayName("a failed read fails the callers waiting for it, and the next call reads again")
    void failuresReachTheWaitingCallers() {
        PauseReads pauses = pauseReads(INTERVAL);
        CompletableFuture<Long> first = pauses.pauseUntil(now.get());
        reads.get(0).completeExceptionally(new IllegalStateException("Redis is down"));

        assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("Redis is down");
        CompletableFuture<Long> next = pauses.pauseUntil(now.get());
        assertThat(reads).hasSize(2);
        reads.get(1).complete(0L);
        assertThat(next.join()).isZero();
    }

    @Test
    @DisplayName("with a zero interval every call reads Redis")
    void zeroIntervalReadsEveryTime() {
        PauseReads pauses = pauseReads(0);
        pauses.pauseUntil(now.get());
        pauses.pauseUntil(now.get());

        assertThat(reads).hasSize(2);
    }
}
