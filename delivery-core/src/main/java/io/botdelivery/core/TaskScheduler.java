package io.botdelivery.core;

import java.time.Duration;

/**
 * Where the engine runs its work and its waits. Production uses {@link ThreadPoolTaskScheduler}; tests use the
 * testkit's {@code ManualScheduler}, which runs tasks on the test thread when a {@code MutableClock} is advanced, so no
 * test sleeps.
 */
public interface TaskScheduler {

    /** A scheduled task that may still be called off. */
    interface Cancellable {
        /** Calls the task off if it has not started; harmless otherwise. */
        void cancel();
    }

    /** Runs {@code task} once after {@code delay} (zero: as soon as a worker is free). Thread-safe. */
    Cancellable schedule(Duration delay, Runnable task);

    /**
     * Waits {@code delay} on the calling thread and answers true, or answers false at once when this scheduler does
     * not wait on its callers' threads (for that delay, or at all); the caller then {@linkplain #schedule schedules}
     * what comes next instead. For the last milliseconds before a send's slot: a timer hands the send to another
     * thread when it fires, and on a loaded host that hand-off alone can make a send miss its slot. Never call it
     * while holding a lock. The default answers false (the testkit's {@code ManualScheduler} keeps it: its time moves
     * only when a test moves it).
     */
    default boolean waitOnThisThread(Duration delay) {
        return false;
    }

    /** Runs {@code task} as soon as a worker is free. */
    default void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }
}
