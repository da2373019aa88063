package io.botdelivery.bench.scenario;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Samples the whole machine's CPU load once a second while a scenario runs: the machine is shared, and a figure means
 * little without knowing how busy the cores were.
 */
public final class MachineLoad implements AutoCloseable {
    private final ScheduledExecutorService sampler;
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    private MachineLoad() {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "machine-load");
            t.setDaemon(true);
            return t;
        });
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        sampler.scheduleAtFixedRate(() -> {
            double load = os.getCpuLoad();
            if (load >= 0) {
                sum.add(load);
                count.increment();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    public static MachineLoad start() {
        return new MachineLoad();
    }

    /** Stops sampling; returns the mean load (0 to 1 over all cores). */
    public double stop() {
        sampler.shutdownNow();
        long n = count.sum();
        return n == 0 ? 0 : sum.sum() / n;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
