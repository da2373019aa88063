package io.botdelivery.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link TaskScheduler}: one timer thread that only hands due tasks over, and up to
 * {@code workerThreads} worker threads that run them (sends block on Telegram, so the pool bounds concurrent sends).
 * Workers are made only when a task finds none idle and end after {@link #IDLE} without work: an engine sized for
 * hundreds of sends holds as many threads as it actually runs at once, and an idle one holds none but the timer.
 */
public final class ThreadPoolTaskScheduler implements TaskScheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ThreadPoolTaskScheduler.class);

    /** How long a worker waits for work before it ends. */
    static final Duration IDLE = Duration.ofSeconds(30);

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
        this.workers = new OnDemandWorkers(workerThreads, named(namePrefix + "-worker"));
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

    /**
     * A pool that makes a thread only when no worker is idle, up to its maximum, then queues (a plain
     * ThreadPoolExecutor queues first and grows only when the queue is full, so it never grows with an unbounded
     * queue; or, below its core size, makes a thread per task even with idle ones). Counts tasks not finished yet to
     * know whether a worker is idle.
     */
    private static final class OnDemandWorkers extends ThreadPoolExecutor {
        private final AtomicInteger unfinished = new AtomicInteger();

        OnDemandWorkers(int max, ThreadFactory threads) {
            super(0, max, IDLE.toNanos(), TimeUnit.NANOSECONDS, new GrowFirstQueue(), threads, (task, pool) -> {
                // at the maximum (or raced to it): queue; after shutdown the task is dropped like any late task
                if (!pool.isShutdown()) {
                    ((GrowFirstQueue) pool.getQueue()).force(task);
                } else {
                    ((OnDemandWorkers) pool).unfinished.decrementAndGet();
                }
            });
            ((GrowFirstQueue) getQueue()).pool = this;
        }

        @Override
        public void execute(Runnable task) {
            unfinished.incrementAndGet();
            try {
                super.execute(task);
            } catch (RuntimeException e) {
                unfinished.decrementAndGet();
                throw e;
            }
        }

        @Override
        protected void afterExecute(Runnable task, Throwable t) {
            unfinished.decrementAndGet();
        }
    }

    /** Refuses a task (so the pool makes a thread) while every worker is busy and the pool may grow. */
    private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
        private volatile OnDemandWorkers pool;

        @Override
        public boolean offer(Runnable task) {
            OnDemandWorkers p = pool;
            if (p != null && p.unfinished.get() > p.getPoolSize() && p.getPoolSize() < p.getMaximumPoolSize()) {
                return false;
            }
            return super.offer(task);
        }

        /** Queues whatever the pool size (the pool is at its maximum). */
        void force(Runnable task) {
            super.offer(task);
        }
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
