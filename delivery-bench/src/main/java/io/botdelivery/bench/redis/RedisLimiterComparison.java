package io.botdelivery.bench.redis;

import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.botdelivery.testkit.redis.RedisServerExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.redisson.api.RedissonClient;

/**
 * Compares rate-limit decisions on one hot key of one Redis, in one run, interleaved (A B C D A B C D …):
 * bot-delivery's {@code RedisRateLimiter}, Redisson's {@code RRateLimiter}, Bucket4j's Redisson proxy manager
 * (compare-and-swap) and the ceiling, a trivial {@code return 1} script called by SHA. Sync: {@code callers} threads each
 * calling in a loop. Async: {@code callers} calls in flight. Then a paced run at a fixed offered rate with each call's
 * latency measured from its intended start (no coordinated omission). Prints tables.
 *
 * <pre>
 * mvn -B -q -pl delivery-bench -am package -DskipTests &amp;&amp; \
 *   java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.redis.RedisLimiterComparison
 * </pre>
 *
 * Options: {@code --rounds 3 --seconds 2 --callers 64 --netty-threads <n> --paced-rate 10000 --paced-seconds 3}.
 * Redis: the embedded one from embedded-redis on a free port, or {@code DELIVERY_TEST_REDIS_URL}.
 */
public final class RedisLimiterComparison {
    private static final int MAX_PACED_IN_FLIGHT = 2_048;

    private record Result(double perSecond, long[] sortedNanos, int errors, double redisCpuMicrosPerCall) {
    }

    private record Paced(double offered, double achieved, long[] sortedNanos, int shed, int errors) {
    }

    private RedisLimiterComparison() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        double seconds = Double.parseDouble(options.getOrDefault("seconds", "2"));
        int callers = Integer.parseInt(options.getOrDefault("callers", "64"));
        int nettyThreads = Integer.parseInt(options.getOrDefault("netty-threads",
                Integer.toString(RedisRateLimiterConfig.defaultNettyThreads())));
        int pacedRate = Integer.parseInt(options.getOrDefault("paced-rate", "10000"));
        double pacedSeconds = Double.parseDouble(options.getOrDefault("paced-seconds", "3"));

        RedisServerExtension redis = RedisServerExtension.embeddedOrFromEnv();
        redis.start();
        List<RedissonClient> clients = new ArrayList<>();
        try {
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(Candidates.client(redis.address(), nettyThreads));
            }
            candidates.add(Candidates.redisRateLimiter(clients.get(0)));
            candidates.add(Candidates.redissonRateLimiter(clients.get(1)));
            candidates.add(Candidates.bucket4j(clients.get(2)));
            candidates.add(Candidates.trivialScriptLimiterShaped(clients.get(4)));
            candidates.add(Candidates.trivialScript(clients.get(3)));

            System.out.printf(Locale.ROOT, "Redis %s, %d cores, Redisson netty threads %d, %d callers, %d rounds of"
                            + " %.1f s per case and mode, interleaved%n", redis.url(),
                    Runtime.getRuntime().availableProcessors(), nettyThreads, callers, rounds, seconds);

            String only = options.get("only");
            if (only != null) {
                candidates.removeIf(c -> !c.name().toLowerCase(Locale.ROOT).contains(only.toLowerCase(Locale.ROOT))
                        && !c.name().startsWith("ceiling"));
            }
            for (Candidate candidate : candidates) { // warm-up: JIT, connections, scripts
                runSync(candidate, callers, 1.0);
                runAsync(candidate, callers, 1.0);
            }
            Map<String, List<Result>> sync = new LinkedHashMap<>();
            Map<String, List<Result>> async = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (Candidate candidate : candidates) {
                    double cpu = redisCpuSeconds(redis);
                    Result result = runSync(candidate, callers, seconds);
                    sync.computeIfAbsent(candidate.name(), k -> new ArrayList<>())
                            .add(withRedisCpu(result, redisCpuSeconds(redis) - cpu));
                }
                for (Candidate candidate : candidates) {
                    double cpu = redisCpuSeconds(redis);
                    Result result = runAsync(candidate, callers, seconds);
                    async.computeIfAbsent(candidate.name(), k -> new ArrayList<>())
                            .add(withRedisCpu(result, redisCpuSeconds(redis) - cpu));
                }
            }
            Map<String, Paced> paced = new LinkedHashMap<>();
            for (Candidate candidate : candidates) {
                // let Redis expire the keys of the runs before (chat keys live one second) so no case pays for another
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
                paced.put(candidate.name(), runPaced(candidate, pacedRate, pacedSeconds));
            }
            String ceiling = candidates.get(candidates.size() - 1).name();
            printThroughput("sync: " + callers + " threads calling in a loop", sync, ceiling);
            printThroughput("async: " + callers + " calls in flight", async, ceiling);
            printPaced(pacedRate, paced);
        } finally {
            clients.forEach(RedissonClient::shutdown);
            redis.close();
        }
    }

    private static Result runSync(Candidate candidate, int callers, double seconds) throws Exception {
        List<Latencies> latencies = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(callers + 1);
        AtomicLong deadline = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Latencies mine = new Latencies();
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long end = deadline.get();
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            candidate.decide();
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        mine.add(System.nanoTime() - t0);
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }, "bench-caller-" + i);
            thread.start();
            threads.add(thread);
        }
        long began = System.nanoTime();
        deadline.set(began + (long) (seconds * 1e9));
        start.await();
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - began;
        long[] sorted = Latencies.sortedUnion(latencies);
        return new Result(sorted.length * 1e9 / elapsed, sorted, errors.get(), Double.NaN);
    }

    private static Result withRedisCpu(Result result, double cpuSeconds) {
        double calls = result.sortedNanos().length;
        return new Result(result.perSecond(), result.sortedNanos(), result.errors(), cpuSeconds * 1e6 / calls);
    }

    /** The Redis server's CPU time so far (user + system), from INFO cpu. */
    private static double redisCpuSeconds(RedisServerExtension redis) {
        double total = 0;
        for (String line : ((String) redis.command("INFO", "cpu")).split("\r\n")) {
            if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return total;
    }

    private static Result runAsync(Candidate candidate, int inFlight, double seconds) throws Exception {
        List<Latencies> latencies = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch finished = new CountDownLatch(inFlight);
        long began = System.nanoTime();
        for (int i = 0; i < inFlight; i++) {
            Latencies mine = new Latencies();
            latencies.add(mine);
            issue(candidate, mine, errors, running, finished);
        }
        LockSupport.parkNanos((long) (seconds * 1e9));
        running.set(false);
        if (!finished.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(candidate.name() + ": calls still in flight a minute after the run");
        }
        long elapsed = System.nanoTime() - began;
        long[] sorted = Latencies.sortedUnion(latencies);
        return new Result(sorted.length * 1e9 / elapsed, sorted, errors.get(), Double.NaN);
    }

    /** One chain of calls: each completion (on a Redisson thread) records its latency and issues the next call. */
    private static void issue(Candidate candidate, Latencies latencies, AtomicInteger errors, AtomicBoolean running,
            CountDownLatch finished) {
        long t0 = System.nanoTime();
        candidate.decideAsync().whenComplete((result, error) -> {
            latencies.add(System.nanoTime() - t0);
            if (error != null) {
                errors.incrementAndGet();
            }
            if (running.get()) {
                issue(candidate, latencies, errors, running, finished);
            } else {
                finished.countDown();
            }
        });
    }

    private static Paced runPaced(Candidate candidate, int rate, double seconds) throws InterruptedException {
        long period = 1_000_000_000L / rate;
        int total = (int) (rate * seconds);
        Latencies latencies = new Latencies();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int shed = 0;
        long t0 = System.nanoTime() + 10_000_000;
        for (int i = 0; i < total; i++) {
            long intended = t0 + i * period;
            long wait;
            while ((wait = intended - System.nanoTime()) > 0) {
                if (wait > 50_000) {
                    LockSupport.parkNanos(wait - 20_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (inFlight.get() >= MAX_PACED_IN_FLIGHT) {
                shed++; // it cannot keep up: counting these instead of queueing them keeps the run bounded
                continue;
            }
            inFlight.incrementAndGet();
            candidate.decideAsync().whenComplete((result, error) -> {
                long latency = System.nanoTime() - intended;
                synchronized (latencies) {
                    latencies.add(latency);
                }
                if (error != null) {
                    errors.incrementAndGet();
                }
                inFlight.decrementAndGet();
            });
        }
        long issuedUntil = System.nanoTime();
        long waitUntil = issuedUntil + TimeUnit.SECONDS.toNanos(30);
        while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(1_000_000);
        }
        long[] sorted;
        synchronized (latencies) {
            sorted = Latencies.sortedUnion(List.of(latencies));
        }
        double elapsed = (issuedUntil - t0) / 1e9;
        return new Paced(total / elapsed, sorted.length / elapsed, sorted, shed, errors.get());
    }

    private static void printThroughput(String title, Map<String, List<Result>> results, String ceilingName) {
        double ceiling = median(results.get(ceilingName));
        long[] ceilingNanos = merged(results.get(ceilingName));
        double ceilingP99 = Latencies.percentileMicros(ceilingNanos, 0.99);
        System.out.println();
        System.out.println(title);
        System.out.printf(Locale.ROOT, "| %-32s | %12s | %9s | %8s | %8s | %9s | %14s | %6s |%n", "case",
                "decisions/s", "x ceiling", "p50 µs", "p99 µs", "p99/ceil", "Redis CPU µs/op", "errors");
        System.out.println("|" + "-".repeat(34) + "|" + "-".repeat(14) + "|" + "-".repeat(11) + "|" + "-".repeat(10)
                + "|" + "-".repeat(10) + "|" + "-".repeat(11) + "|" + "-".repeat(16) + "|" + "-".repeat(8) + "|");
        results.forEach((name, runs) -> {
            long[] nanos = merged(runs);
            double perSecond = median(runs);
            double p99 = Latencies.percentileMicros(nanos, 0.99);
            double cpu = runs.stream().mapToDouble(Result::redisCpuMicrosPerCall).sorted().toArray()[runs.size() / 2];
            System.out.printf(Locale.ROOT, "| %-32s | %12.0f | %9.2f | %8.0f | %8.0f | %9.2f | %14.1f | %6d |%n",
                    name, perSecond, perSecond / ceiling, Latencies.percentileMicros(nanos, 0.50), p99,
                    p99 / ceilingP99, cpu, runs.stream().mapToInt(Result::errors).sum());
        });
        System.out.println("(decisions/s: median of the rounds; percentiles: every call of every round)");
    }

    private static void printPaced(int rate, Map<String, Paced> results) {
        System.out.println();
        System.out.println("paced: " + rate + " decisions/s offered, async, latency from each call's intended start");
        System.out.printf(Locale.ROOT, "| %-32s | %10s | %10s | %8s | %8s | %9s | %9s | %7s |%n", "case", "offered/s",
                "done/s", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "shed");
        System.out.println("|" + "-".repeat(34) + "|" + "-".repeat(12) + "|" + "-".repeat(12) + "|" + "-".repeat(10)
                + "|" + "-".repeat(10) + "|" + "-".repeat(11) + "|" + "-".repeat(11) + "|" + "-".repeat(9) + "|");
        results.forEach((name, p) -> System.out.printf(Locale.ROOT,
                "| %-32s | %10.0f | %10.0f | %8.0f | %8.0f | %9.0f | %9.0f | %7d |%n", name, p.offered(), p.achieved(),
                Latencies.percentileMicros(p.sortedNanos(), 0.50), Latencies.percentileMicros(p.sortedNanos(), 0.99),
                Latencies.percentileMicros(p.sortedNanos(), 0.999),
                Latencies.percentileMicros(p.sortedNanos(), 1.0), p.shed()));
        System.out.println("(shed: calls not issued because " + MAX_PACED_IN_FLIGHT + " were already in flight)");
    }

    private static double median(List<Result> runs) {
        double[] values = runs.stream().mapToDouble(Result::perSecond).sorted().toArray();
        return values[values.length / 2];
    }

    private static long[] merged(List<Result> runs) {
        int total = runs.stream().mapToInt(r -> r.sortedNanos().length).sum();
        long[] all = new long[total];
        int at = 0;
        for (Result run : runs) {
            System.arraycopy(run.sortedNanos(), 0, all, at, run.sortedNanos().length);
            at += run.sortedNanos().length;
        }
        java.util.Arrays.sort(all);
        return all;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
