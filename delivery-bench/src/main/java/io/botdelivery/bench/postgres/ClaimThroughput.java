package io.botdelivery.bench.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LeasedWrites;
import io.botdelivery.store.postgres.PostgresRetryStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Claim + complete throughput: {@code workers} threads, each with its own store (its own pool, as separate processes
 * would have), loop {@code claimDue(batch)} then complete what they claimed: {@code complete} once per delivery, or
 * {@code completeAll} once per batch. The baseline is the classic queue loop without leases: one transaction per
 * delivery, {@code SELECT … FOR UPDATE SKIP LOCKED LIMIT 1}, update, commit.
 *
 * <p>Run on its own ({@link #main}), it puts one-by-one and batched completion side by side, interleaved, for 1, 2
 * and 4 workers at batch 100 (synchronous_commit=on), each cell after a {@code VACUUM}. Arguments: seconds per cell
 * (5), rounds (2), synchronous_commit (on).
 */
public final class ClaimThroughput {
    private static final int PENDING_PER_CELL = 150_000;

    /** One measured cell. */
    record Result(String method, int workers, int batch, long completed, double seconds, long cpuNanos, double claimShare) {
        double perSecond() {
            return completed / seconds;
        }

        /** JVM + PostgreSQL CPU microseconds per claim + complete, or -1 if unknown. */
        double cpuMicrosPerOp() {
            return cpuNanos < 0 || completed == 0 ? -1 : cpuNanos / 1e3 / completed;
        }
    }

    /** What the measured window produced. */
    private record Window(long completed, long cpuNanos) {
    }

    private interface Worker {
        /** Claims and completes some deliveries; returns how many were completed (0 = nothing due). */
        int step() throws Exception;
    }

    private final BenchDatabase db;
    private final Duration warmup;
    private final Duration measure;
    private final CpuMeter cpu;

    ClaimThroughput(BenchDatabase db, Duration warmup, Duration measure) {
        this.db = db;
        this.warmup = warmup;
        this.measure = measure;
        this.cpu = new CpuMeter(db.port());
    }

    /**
     * One-by-one vs batched completion for 1, 2 and 4 workers at batch 100, interleaved, with the time split of
     * claim and completion per worker.
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String sync = args.length > 2 ? args[2] : "on";
        try (BenchDatabase db = new BenchDatabase(sync)) {
            db.ensurePending(PENDING_PER_CELL);
            ClaimThroughput warmUp = new ClaimThroughput(db, Duration.ofSeconds(1), Duration.ofSeconds(3));
            warmUp.store(2, 100, false);
            warmUp.store(2, 100, true);
            ClaimThroughput bench = new ClaimThroughput(db, Duration.ofSeconds(1), Duration.ofSeconds(seconds));
            System.out.printf(java.util.Locale.ROOT, "claim + complete, batch 100, synchronous_commit=%s, %d s per cell, "
                    + "%d cores; load average at start %.1f%n", sync, seconds, Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("| round | completion | workers | claim+complete/s | CPU µs per op (workers + PostgreSQL) "
                    + "| share of worker time in claimDue |");
            System.out.println("|---:|---|---:|---:|---:|---:|");
            for (int r = 1; r <= rounds; r++) {
                for (int workers : new int[] {1, 2, 4}) {
                    for (boolean batched : new boolean[] {false, true}) {
                        db.ensurePending(PENDING_PER_CELL);
                        // every cell starts without the dead row versions the cells before it left: they would make
                        // each claim step over more dead index entries, and later cells look slower for it
                        db.execute("VACUUM ANALYZE " + BenchDatabase.SCHEMA + ".delivery");
                        Result result = bench.store(workers, 100, batched);
                        System.out.printf(java.util.Locale.ROOT, "| %d | %s | %d | %,.0f | %.0f | %.0f %% |%n", r,
                                batched ? "completeAll per batch" : "complete per delivery", workers, result.perSecond(),
                                result.cpuMicrosPerOp(), 100 * result.claimShare());
                    }
                }
            }
        }
    }

    Result store(int workers, int batch) throws Exception {
        return store(workers, batch, false);
    }

    /** The store's loop; {@code batched}: one {@code completeAll} per claimed batch instead of one {@code complete} each. */
    Result store(int workers, int batch, boolean batched) throws Exception {
        LongAdder claimNanos = new LongAdder();
        LongAdder completeNanos = new LongAdder();
        List<PostgresRetryStore> stores = new ArrayList<>();
        List<Worker> steps = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            PostgresRetryStore store = db.workerStore();
            stores.add(store);
            String owner = "bench-worker-" + w;
            steps.add(() -> {
                long t0 = System.nanoTime();
                Instant now = Instant.now();
                List<Delivery> claimed = store.claimDue(now, batch, new Lease(owner, now.plusSeconds(30)));
                long t1 = System.nanoTime();
                if (batched) {
                    List<LeasedWrites.Completion> done = new ArrayList<>(claimed.size());
                    for (Delivery d : claimed) {
                        done.add(new LeasedWrites.Completion(d.id(), List.of(1L)));
                    }
                    if (!store.completeAll(done, owner, Instant.now()).isEmpty()) {
                        throw new IllegalStateException("lost a lease within 30 s");
                    }
                } else {
                    for (Delivery d : claimed) {
                        if (!store.complete(d.id(), owner, List.of(1L), Instant.now())) {
                            throw new IllegalStateException("lost the lease of " + d.id() + " within 30 s");
                        }
                    }
                }
                claimNanos.add(t1 - t0);
                completeNanos.add(System.nanoTime() - t1);
                return claimed.size();
            });
        }
        try {
            Window w = run(steps);
            double claimShare = (double) claimNanos.sum() / Math.max(1, claimNanos.sum() + completeNanos.sum());
            return new Result("PostgresRetryStore claimDue + " + (batched ? "completeAll" : "complete"), workers, batch,
                    w.completed(), measure.toNanos() / 1e9, w.cpuNanos(), claimShare);
        } finally {
            stores.forEach(PostgresRetryStore::close);
        }
    }

    Result skipLockedBaseline(int workers) throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<Worker> steps = new ArrayList<>();
        String select = "SELECT id FROM " + BenchDatabase.SCHEMA + ".delivery "
                + "WHERE status IN ('PENDING', 'IN_FLIGHT') AND due_at <= now() "
                + "ORDER BY priority, due_at, created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED";
        String update = "UPDATE " + BenchDatabase.SCHEMA + ".delivery SET status = 'DELIVERED', message_ids = '{1}', "
                + "delivered_at = now(), updated_at = now(), next_attempt_at = NULL, due_at = NULL WHERE id = ?";
        for (int w = 0; w < workers; w++) {
            Connection c = db.connect();
            c.setAutoCommit(false);
            connections.add(c);
            PreparedStatement claim = c.prepareStatement(select);
            PreparedStatement done = c.prepareStatement(update);
            steps.add(() -> {
                try (ResultSet rs = claim.executeQuery()) {
                    if (!rs.next()) {
                        c.commit();
                        return 0;
                    }
                    done.setObject(1, rs.getObject(1, UUID.class));
                }
                done.executeUpdate();
                c.commit();
                return 1;
            });
        }
        try {
            Window w = run(steps);
            return new Result("plain SELECT … FOR UPDATE SKIP LOCKED LIMIT 1 loop", workers, 1, w.completed(), measure.toNanos() / 1e9,
                    w.cpuNanos(), Double.NaN);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /** Runs every worker on its own thread: warm-up, then counts completions during the measured window. */
    private Window run(List<Worker> workers) throws Exception {
        LongAdder completed = new LongAdder();
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(workers.size());
        List<Thread> threads = new ArrayList<>();
        for (Worker worker : workers) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        int n = worker.step();
                        if (n == 0) {
                            throw new IllegalStateException("the queue ran dry: raise the pending rows per cell");
                        }
                        if (counting.get()) {
                            completed.add(n);
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                    stop.set(true);
                } finally {
                    finished.countDown();
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread.sleep(warmup.toMillis());
        long cpuBefore = cpu.cpuNanos(threads);
        counting.set(true);
        Thread.sleep(measure.toMillis());
        counting.set(false);
        long cpuAfter = cpu.cpuNanos(threads);
        stop.set(true);
        finished.await();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a worker failed", failures.get(0));
        }
        return new Window(completed.sum(), cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore);
    }
}
