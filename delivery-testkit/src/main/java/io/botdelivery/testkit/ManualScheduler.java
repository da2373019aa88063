package io.botdelivery.testkit;

import io.botdelivery.core.TaskScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A {@link TaskScheduler} for tests: tasks run on the calling thread, in due-time order, only when the test says so
 * ({@link #runDue()}, {@link #advance(Duration)}). Moving time moves the {@link MutableClock} to each task's due time
 * before running it, so the code under test sees exactly the time it asked to wait for. Nothing sleeps.
 */
public final class ManualScheduler implements TaskScheduler {

    private final MutableClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long sequence;

    private final class Task implements Comparable<Task>, Cancellable {
        final long dueNanos;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(long dueNanos, long seq, Runnable body) {
            this.dueNanos = dueNanos;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(dueNanos, o.dueNanos);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
            }
        }
    }

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        long due = clock.nanos() + Math.max(0, delay.toNanos());
        Task t = new Task(due, ++sequence, task);
        tasks.add(t);
        return t;
    }

    /** Runs every task due now, including tasks they schedule for now. Returns how many ran. */
    public int runDue() {
        int ran = 0;
        Task next;
        while ((next = pollDue(clock.nanos())) != null) {
            next.body.run();
            ran++;
        }
        return ran;
    }

    /** Moves time forward by {@code duration}, running each task at its due time. */
    public void advance(Duration duration) {
        long target = clock.nanos() + duration.toNanos();
        Task next;
        while ((next = pollDue(target)) != null) {
            if (next.dueNanos > clock.nanos()) {
                clock.advance(Duration.ofNanos(next.dueNanos - clock.nanos()));
            }
            next.body.run();
        }
        if (target > clock.nanos()) {
            clock.advance(Duration.ofNanos(target - clock.nanos()));
        }
    }

    /**
     * Advances in steps of {@code step} until {@code condition} holds, at most {@code limit} of simulated time.
     *
     * @throws AssertionError if the condition still does not hold after {@code limit}
     */
    public void advanceUntil(BooleanSupplier condition, Duration step, Duration limit) {
        Instant deadline = clock.instant().plus(limit);
        runDue();
        while (!condition.getAsBoolean()) {
            if (!clock.instant().isBefore(deadline)) {
                throw new AssertionError("condition not met after " + limit + " of simulated time");
            }
            advance(step);
        }
    }

    /** Tasks waiting (not cancelled). */
    public synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled).count();
    }

    private synchronized Task pollDue(long untilNanos) {
        while (!tasks.isEmpty()) {
            Task head = tasks.peek();
            if (head.cancelled) {
                tasks.poll();
                continue;
            }
            if (head.dueNanos > untilNanos) {
                return null;
            }
            return tasks.poll();
        }
        return null;
    }
}
