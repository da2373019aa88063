package io.botdelivery.limiter.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The bot-wide pause stored in Redis, read at most once per interval instead of once per call.
 *
 * <p>Why: the engine asks {@link RedisRateLimiter#globalPause()} before every send whose slot it waited for — at the
 * paid lane's 1000 msg/s, a thousand extra Redis round trips a second, each of which the send waits for. On a loaded
 * machine those round trips made the sends miss their slots (measured: a paid broadcast through one Redis limiter at
 * 302 msg/s of 952, 2,209 slots of 5,000 missed and reserved again; 820 msg/s without the reads). A pause another
 * instance took is now seen at most one interval late; the pause this instance took itself is always exact (the
 * limiter keeps it locally).
 *
 * <p>How: an answer younger than the interval is reused; once it is half an interval old the next caller starts a read
 * in the background and still answers from the last one, so at a steady rate of calls no caller waits for Redis.
 * Only a caller that finds the last answer a whole interval old (the first call, or after a quiet spell) waits, and
 * callers that arrive meanwhile share its read. Thread-safe without a lock.
 */
final class PauseReads {
    /** A read's result: the pause's end in client µs (0 when none), and when the read was started, in client µs. */
    private record Read(long pauseUntil, long startedAt) {
    }

    private final long intervalMicros;
    private final LongSupplier clientNowMicros;
    private final Supplier<CompletableFuture<Long>> readRemainingMicros;
    private final AtomicReference<Read> last = new AtomicReference<>(new Read(0, Long.MIN_VALUE));
    private final AtomicReference<CompletableFuture<Read>> running = new AtomicReference<>();

    /**
     * @param intervalMicros       how old an answer may be; 0 reads on every call
     * @param clientNowMicros      the limiter's clock, in µs
     * @param readRemainingMicros  one Redis read of what is left of the pause, in µs
     */
    PauseReads(long intervalMicros, LongSupplier clientNowMicros, Supplier<CompletableFuture<Long>> readRemainingMicros) {
        this.intervalMicros = intervalMicros;
        this.clientNowMicros = clientNowMicros;
        this.readRemainingMicros = readRemainingMicros;
    }

    /**
     * When the stored pause ends, in client µs (0 or a past time when none is in force), as Redis said at most one
     * interval ago; waits for a read only when the last one is older than that.
     *
     * @return a future that fails as the read failed
     */
    CompletableFuture<Long> pauseUntil(long now) {
        if (intervalMicros == 0) {
            return startRead(now).thenApply(Read::pauseUntil);
        }
        Read read = last.get();
        long age = now - read.startedAt();
        if (read.startedAt() != Long.MIN_VALUE && age >= 0 && age < intervalMicros) {
            if (age >= intervalMicros / 2) {
                shared(now);
            }
            return CompletableFuture.completedFuture(read.pauseUntil());
        }
        return shared(now).thenApply(Read::pauseUntil);
    }

    /** The read in progress, or a new one; one at a time. */
    private CompletableFuture<Read> shared(long now) {
        while (true) {
            CompletableFuture<Read> current = running.get();
            if (current != null) {
                return current;
            }
            CompletableFuture<Read> mine = new CompletableFuture<>();
            if (running.compareAndSet(null, mine)) {
                startRead(now).whenComplete((read, error) -> {
                    running.set(null);
                    if (error != null) {
                        mine.completeExceptionally(error);
                    } else {
                        mine.complete(read);
                    }
                });
                return mine;
            }
        }
    }

    private CompletableFuture<Read> startRead(long startedAt) {
        return readRemainingMicros.get().thenApply(remaining -> {
            // the end is counted from when the answer came back: never earlier than Redis meant it
            Read read = new Read(remaining > 0 ? clientNowMicros.getAsLong() + remaining : 0, startedAt);
            last.accumulateAndGet(read, (a, b) -> a.startedAt() >= b.startedAt() ? a : b);
            return read;
        });
    }
}
