package io.botdelivery.bench.chaos;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Plays {@link ChaosAction}s against a {@link ChaosTarget} on its own thread, at times counted from the scenario's
 * start (several actions interleave by time), and records what it did as {@link ChaosEvent}s.
 */
public final class ChaosTimeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChaosTimeline.class);

    /** Waits until a moment; real runs sleep, tests move a clock. */
    @FunctionalInterface
    public interface Waiter {
        void waitUntil(Instant moment) throws InterruptedException;
    }

    private record Step(Duration at, Runnable action) {
    }

    private final ChaosTarget target;
    private final Instant start;
    private final Clock clock;
    private final Waiter waiter;
    private final List<Step> steps;
    private final List<ChaosEvent> events = new ArrayList<>();
    private Thread thread;

    public ChaosTimeline(List<ChaosAction> actions, ChaosTarget target, Instant start, Clock clock, Waiter waiter) {
        this.target = Objects.requireNonNull(target, "target");
        this.start = Objects.requireNonNull(start, "start");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.waiter = Objects.requireNonNull(waiter, "waiter");
        List<Step> all = new ArrayList<>();
        for (ChaosAction action : actions) {
            all.addAll(plan(Objects.requireNonNull(action, "action")));
        }
        all.sort(Comparator.comparing(Step::at)); // stable: one action's steps keep their order
        this.steps = List.copyOf(all);
    }

    /** A timeline on the system clock that sleeps between steps. */
    public static ChaosTimeline realTime(List<ChaosAction> actions, ChaosTarget target, Instant start) {
        Clock clock = Clock.systemUTC();
        return new ChaosTimeline(actions, target, start, clock, moment -> {
            long millis = Duration.between(clock.instant(), moment).toMillis();
            if (millis > 0) {
                Thread.sleep(millis);
            }
        });
    }

    /** Starts playing on a background thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::runQuietly, "chaos-timeline");
        thread.setDaemon(true);
        thread.start();
    }

    /** Plays every step on the calling thread; returns when the last one is done. */
    public void run() throws InterruptedException {
        for (Step step : steps) {
            waiter.waitUntil(start.plus(step.at()));
            step.action().run();
        }
    }

    /** Waits for the timeline to finish its last step. */
    public void join() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join();
        }
    }

    /** What happened so far, in order. */
    public synchronized List<ChaosEvent> events() {
        return List.copyOf(events);
    }

    /** Stops the timeline where it is (steps not yet played are skipped) and waits for its thread. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void runQuietly() {
        try {
            run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("chaos timeline stopped by an error", e);
        }
    }

    private List<Step> plan(ChaosAction action) {
        List<Step> plan = new ArrayList<>();
        if (action instanceof ChaosAction.KillInstances k) {
            int n = 0;
            for (Duration at = k.from(); at.compareTo(k.until()) < 0; at = at.plus(k.every())) {
                int slot = n++ % target.instances();
                plan.add(new Step(at, () -> {
                    int incarnation = target.kill(slot);
                    record(ChaosEvent.Kind.KILL, slot, incarnation, "kill -9 of instance " + slot + "." + incarnation);
                    target.restart(slot);
                }));
            }
        } else if (action instanceof ChaosAction.RedisOutage r) {
            plan.add(new Step(r.from(), () -> {
                target.stopRedis();
                record(ChaosEvent.Kind.REDIS_DOWN, -1, -1, "Redis stopped");
            }));
            plan.add(new Step(r.until(), () -> {
                target.startRedis();
                record(ChaosEvent.Kind.REDIS_UP, -1, -1, "Redis started again, empty (scripts flushed)");
            }));
        } else if (action instanceof ChaosAction.PostgresRestart p) {
            plan.add(new Step(p.from(), () -> {
                target.stopPostgres();
                record(ChaosEvent.Kind.POSTGRES_DOWN, -1, -1, "PostgreSQL stopped");
            }));
            plan.add(new Step(p.until(), () -> {
                target.startPostgres();
                record(ChaosEvent.Kind.POSTGRES_UP, -1, -1, "PostgreSQL started again (same data)");
            }));
        } else if (action instanceof ChaosAction.TerminateSessions t) {
            for (Duration at = t.from(); at.compareTo(t.until()) < 0; at = at.plus(t.every())) {
                plan.add(new Step(at, () -> {
                    int n = target.terminatePostgresSessions();
                    record(ChaosEvent.Kind.POSTGRES_SESSIONS_TERMINATED, -1, -1, n + " session(s) terminated");
                }));
            }
        } else if (action instanceof ChaosAction.DropAfterAccept d) {
            plan.add(new Step(d.from(), () -> {
                target.dropAfterAccept(d.share());
                record(ChaosEvent.Kind.DROPS_ON, -1, -1, Math.round(d.share() * 100) + " % of sends dropped after accepting");
            }));
            plan.add(new Step(d.until(), () -> {
                target.dropAfterAccept(0);
                record(ChaosEvent.Kind.DROPS_OFF, -1, -1, "no more drops");
            }));
        }
        return plan;
    }

    private void record(ChaosEvent.Kind kind, int slot, int incarnation, String detail) {
        ChaosEvent e = new ChaosEvent(clock.instant(), kind, slot, incarnation, detail);
        log.info("chaos: {}", detail);
        synchronized (this) {
            events.add(e);
        }
    }
}
