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

    /** Runs {@code task} as soon as a worker is free. */
    default void execute(Runnable task) {
        schedule(Duration.ZERO, task);
    }
}
