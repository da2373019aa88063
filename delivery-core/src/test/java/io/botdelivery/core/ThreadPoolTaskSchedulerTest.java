package io.botdelivery.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("The production scheduler's workers")
class ThreadPoolTaskSchedulerTest {

    static long workers(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix + "-worker")).count();
    }

    @Test
    @DisplayName("are made only when no worker is idle: tasks one after another need one, however large the pool may grow")
    void onDemand() throws Exception {
        ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler(500, "ondemand");
        try {
            for (int i = 0; i < 50; i++) {
                CountDownLatch done = new CountDownLatch(1);
                s.execute(done::countDown);
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                // the worker must be back waiting for work before the next task, or the next one rightly makes a thread
                waitUntilIdle("ondemand");
            }
            assertThat(workers("ondemand")).isEqualTo(1);
        } finally {
            s.shutdown(Duration.ofSeconds(5));
        }
    }

    @Test
    @DisplayName("grow to as many blocking tasks as run at once, never past the maximum, and all end on shutdown")
    void growsToBlockingTasks() throws Exception {
        ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler(40, "grows");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(40);
        CountDownLatch allRan = new CountDownLatch(60);
        for (int i = 0; i < 60; i++) {
            s.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                allRan.countDown();
            });
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).as("40 run at once").isTrue();
        assertThat(workers("grows")).as("the maximum holds; the other 20 are queued").isEqualTo(40);
        release.countDown();
        assertThat(allRan.await(10, TimeUnit.SECONDS)).as("the queued ones run too").isTrue();
        List<Thread> made = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("grows-")).toList();
        s.shutdown(Duration.ofSeconds(5));
        for (Thread t : made) {
            // terminated pool: its threads are leaving run(); give them the moment to
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
        assertThat(made).filteredOn(Thread::isAlive).isEmpty();
    }

    /** Waits (at most 10 s) until every worker is parked waiting for its next task. */
    private static void waitUntilIdle(String prefix) {
        await("workers idle").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive() && t.getName().startsWith(prefix + "-worker"))
                        .allMatch(t -> t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING));
    }
}
