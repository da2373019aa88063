package io.botdelivery.bench.postgres;

import io.botdelivery.bench.proc.ProcStat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by given client threads and by the embedded PostgreSQL (its postmaster and every backend, read from
 * {@code /proc} on Linux). On a machine shared with other work, wall-clock throughput says little; CPU per operation
 * says what a claim + complete costs, and so what idle cores could do. The JVM's compiler and GC threads are left out:
 * in a short run the JIT's warm-up would dominate, and it is not a cost per operation.
 */
final class CpuMeter {
    private static final double TICK_NANOS = ProcStat.TICK_NANOS;

    private final int postgresPort;

    CpuMeter(int postgresPort) {
        this.postgresPort = postgresPort;
    }

    /** CPU nanoseconds so far of {@code threads} plus PostgreSQL, or -1 where it cannot be read. */
    long cpuNanos(java.util.Collection<Thread> threads) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long client = 0;
        for (Thread t : threads) {
            long ns = mx.getThreadCpuTime(t.getId());
            if (ns < 0) {
                return -1;
            }
            client += ns;
        }
        long postgres = postgresCpuNanos();
        return postgres < 0 ? -1 : client + postgres;
    }

    private long postgresCpuNanos() {
        try {
            long postmaster = findPostmaster();
            if (postmaster < 0) {
                return -1;
            }
            long ticks = 0;
            for (ProcStat stat : ProcStat.all()) {
                if (stat.pid() == postmaster) {
                    ticks += stat.ownTicks() + stat.childUserTicks() + stat.childSystemTicks(); // own + reaped backends
                } else if (stat.parent() == postmaster) {
                    ticks += stat.ownTicks();
                }
            }
            return (long) (ticks * TICK_NANOS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The postmaster: a {@code postgres} process started with {@code -p <port>}. */
    private long findPostmaster() throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (cmdline.contains("postgres") && cmdline.contains(" -p " + postgresPort + " ")) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (IOException ignored) {
                    // the process ended while we looked
                }
            }
        }
        return -1;
    }
}
