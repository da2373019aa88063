package io.botdelivery.bench.postgres;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The store-postgres benchmark: claim + complete throughput (1/2/4 workers × batch 1/10/100, and the plain
 * {@code SELECT … FOR UPDATE SKIP LOCKED} loop), the same with a million finished rows in the table, and submit → first
 * attempt latency with and without LISTEN/NOTIFY. Prints markdown tables.
 *
 * <pre>
 * mvn -B -q -pl delivery-bench -am package -DskipTests
 * java -Djava.io.tmpdir=delivery-bench/target -cp delivery-bench/target/benchmarks.jar \
 *      io.botdelivery.bench.postgres.PostgresStoreBench [--seconds 4] [--history 1000000] [--latency-samples 300] [--sync-commit off,on]
 * </pre>
 */
public final class PostgresStoreBench {
    private static final int PENDING_PER_CELL = 60_000;

    private PostgresStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.out.printf(Locale.ROOT, "store-postgres benchmark: embedded PostgreSQL 17.6, %d cores, Java %s; %d s per cell after 1 s warm-up; "
                        + "load average at start %.1f%n%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), o.seconds,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String sync : o.syncCommit) {
            try (BenchDatabase db = new BenchDatabase(sync)) {
                throughput(db, o);
                if (sync.equals(o.syncCommit.get(0))) {
                    latency(db, o);
                }
            }
        }
    }

    private static void throughput(BenchDatabase db, Options o) throws Exception {
        // discarded runs first: JIT, connection set-up and PostgreSQL's prepared plans
        db.ensurePending(PENDING_PER_CELL);
        ClaimThroughput warmUp = new ClaimThroughput(db, Duration.ofSeconds(1), Duration.ofSeconds(5));
        warmUp.store(2, 10);
        db.ensurePending(PENDING_PER_CELL);
        warmUp.store(1, 1);
        warmUp.skipLockedBaseline(1);
        ClaimThroughput bench = new ClaimThroughput(db, Duration.ofSeconds(1), Duration.ofSeconds(o.seconds));
        List<ClaimThroughput.Result> results = new ArrayList<>();
        for (int workers : new int[] {1, 2, 4}) {
            for (int batch : new int[] {1, 10, 100}) {
                db.ensurePending(PENDING_PER_CELL);
                results.add(bench.store(workers, batch));
            }
            db.ensurePending(PENDING_PER_CELL);
            results.add(bench.skipLockedBaseline(workers));
        }
        print("claim + complete throughput, synchronous_commit=" + db.synchronousCommit
                + " (table grows as cells run; about " + PENDING_PER_CELL + " due rows per cell)", results);

        if (o.history > 0) {
            db.insertDelivered(o.history);
            db.execute("VACUUM ANALYZE " + BenchDatabase.SCHEMA + ".delivery");
            List<ClaimThroughput.Result> big = new ArrayList<>();
            db.ensurePending(PENDING_PER_CELL);
            big.add(bench.store(4, 100));
            db.ensurePending(PENDING_PER_CELL);
            big.add(bench.store(1, 1));
            print(String.format(Locale.ROOT, "the same with %,d more finished rows in the table (%,d rows in all)", o.history,
                    db.count("DELIVERED") + db.count("PENDING")), big);
        }
    }

    private static void print(String title, List<ClaimThroughput.Result> results) {
        System.out.println("### " + title);
        System.out.println("| method | workers | batch | completed | claim+complete/s | CPU µs per op (worker threads + PostgreSQL) | ≈ ops/s on 2 idle cores |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (ClaimThroughput.Result r : results) {
            double cpu = r.cpuMicrosPerOp();
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %,d | %,.0f | %s | %s |%n", r.method(), r.workers(), r.batch(), r.completed(),
                    r.perSecond(), cpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", cpu),
                    cpu <= 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", 2_000_000 / cpu));
        }
        System.out.println();
    }

    private static void latency(BenchDatabase db, Options o) throws Exception {
        db.truncate(); // nothing else queued: the engine's only work is what is measured
        SubmitLatency bench = new SubmitLatency(db, o.latencySamples, 20);
        List<SubmitLatency.Result> results = List.of(bench.otherInstance(false), bench.otherInstance(true), bench.sameInstance());
        System.out.println("### submit → first attempt, " + o.latencySamples + " deliveries at 20/s to distinct chats "
                + "(Telegram's default budgets), synchronous_commit=" + db.synchronousCommit);
        System.out.println("| mode | samples | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (SubmitLatency.Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f |%n", r.mode(), r.samples(), r.p50(), r.p90(), r.p99(), r.max());
        }
        System.out.println();
    }

    private record Options(int seconds, int history, int latencySamples, List<String> syncCommit) {
        static Options parse(String[] args) {
            int seconds = 4;
            int history = 1_000_000;
            int samples = 300;
            List<String> sync = List.of("off", "on");
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                    case "--history" -> history = Integer.parseInt(args[i + 1]);
                    case "--latency-samples" -> samples = Integer.parseInt(args[i + 1]);
                    case "--sync-commit" -> sync = List.of(args[i + 1].split(","));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --seconds N --history ROWS --latency-samples N --sync-commit off,on");
                }
            }
            return new Options(seconds, history, samples, sync);
        }
    }
}
