package io.botdelivery.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link TaskScheduler}: one timer thread that only hands due tasks over, and a fixed pool of worker
 * threads that run them (sends block on Telegram, so the pool bounds concurrent sends).
 */
public final class ThreadPoolTaskScheduler implements TaskScheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ThreadPoolTaskScheduler.class);

    private final ScheduledExecutorService timer;
    private final ExecutorService workers;

    public ThreadPoolTaskScheduler(int workerThreads) {
        this(workerThreads, "delivery");
    }

    /** Threads are named {@code <namePrefix>-timer-N} and {@code <namePrefix>-worker-N}. */
    public ThreadPoolTaskScheduler(int workerThreads, String namePrefix) {
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads must be at least 1");
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(named(namePrefix + "-timer"));
        this.workers = Executors.newFixedThreadPool(workerThreads, named(namePrefix + "-worker"));
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("delivery task failed; the engine recovers at its next poll", t);
            }
        };
        if (delay.isZero() || delay.isNegative()) {
            workers.execute(guarded);
            return () -> { };
        }
        ScheduledFuture<?> f = timer.schedule(() -> workers.execute(guarded), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /**
     * Stops both pools: timers not yet due are dropped, running tasks get up to {@code grace} to finish, then are
     * interrupted. Returns once every thread has ended (or after another {@code grace} if a task ignores interrupts).
     */
    public void shutdown(Duration grace) throws InterruptedException {
        timer.shutdownNow();
        workers.shutdown();
        if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            workers.shutdownNow();
            workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        timer.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        shutdown(Duration.ofSeconds(5));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
