package io.botdelivery.bench.scenario;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The instance JVMs of one scenario: one slot per instance, each running its latest incarnation. Killed slots are
 * started again as new incarnations that begin submitting at once (the scenario's time zero is in their settings).
 */
final class InstanceFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceFleet.class);
    /** A small heap and the serial collector: three of these share two cores with Redis, PostgreSQL and the simulator. */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    private final InstanceProcess[] current;
    private final List<InstanceProcess> all = new ArrayList<>();
    private final InstanceSettings template;
    private long startEpochMillis;

    InstanceFleet(InstanceSettings template, int instances) {
        this.template = template;
        this.current = new InstanceProcess[instances];
    }

    int size() {
        return current.length;
    }

    /** Starts incarnation 0 of every slot; they wait for {@link #start}. */
    synchronized void launch() {
        for (int slot = 0; slot < current.length; slot++) {
            current[slot] = InstanceProcess.launch(template.forSlot(slot), JVM_OPTIONS);
            all.add(current[slot]);
        }
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InstanceProcess p : snapshot()) {
            while (!p.awaitReady(Duration.ofMillis(200))) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("instance " + p.settings().slot() + (p.isAlive() ? " was not ready within "
                            + timeout : " died while starting") + "; see " + p.settings().logFile() + " and its .stderr file");
                }
            }
        }
    }

    /** Gives every slot the scenario's time zero. */
    synchronized void start(long epochMillis) {
        this.startEpochMillis = epochMillis;
        for (InstanceProcess p : current) {
            p.start(epochMillis);
        }
    }

    /** kill -9 of the slot's current JVM; returns the incarnation killed. */
    int kill(int slot) throws InterruptedException {
        InstanceProcess p;
        synchronized (this) {
            p = current[slot];
        }
        p.killHard();
        log.info("killed instance {}.{} (pid {})", slot, p.settings().incarnation(), p.pid());
        return p.settings().incarnation();
    }

    /** Starts the slot's next incarnation, submitting from the scenario's time zero on. */
    synchronized void restart(int slot) {
        InstanceSettings next = current[slot].settings().restartedAt(startEpochMillis);
        current[slot] = InstanceProcess.launch(next, JVM_OPTIONS);
        all.add(current[slot]);
    }

    /** Waits until every slot's current incarnation has submitted its share. */
    boolean awaitSubmitted(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = true;
            for (InstanceProcess p : snapshot()) {
                done &= p.hasSubmitted();
            }
            if (done) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The last {@code @QUEUE} line of a slot's current incarnation. */
    synchronized String queueLine(int slot) {
        return current[slot].lastQueueLine();
    }

    /** Stops every current incarnation gracefully (killing those that do not stop within the grace). */
    void stopAll(Duration grace) throws InterruptedException {
        for (InstanceProcess p : snapshot()) {
            p.stop(grace);
        }
    }

    /** Every resource report of every incarnation. */
    synchronized List<InstanceSample> samples() {
        List<InstanceSample> samples = new ArrayList<>();
        for (InstanceProcess p : all) {
            samples.addAll(p.samples());
        }
        return samples;
    }

    private synchronized List<InstanceProcess> snapshot() {
        return List.of(current);
    }

    /** Kills whatever still runs (after a failed scenario). */
    @Override
    public synchronized void close() {
        for (InstanceProcess p : all) {
            if (p.isAlive()) {
                try {
                    p.killHard();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
