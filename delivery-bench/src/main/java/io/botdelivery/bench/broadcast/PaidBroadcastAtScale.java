package io.botdelivery.bench.broadcast;

import io.botdelivery.bench.proc.ArrivalClockCheck;
import io.botdelivery.bench.proc.ProcStat;
import io.botdelivery.bench.scenario.MachineLoad;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.RejectedCall;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.postgres.PostgresServer;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.testkit.redis.RedisServerExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The broadcast path at scale, tried as a user would: {@code example-bot broadcast --paid} to {@code chats} chats
 * (default 100,000) as its own process from the built jar, with {@code store=postgres} (an embedded PostgreSQL, as the
 * tests start it) or {@code memory}, against the Telegram simulator at Telegram's limits (paid lane 1000 msg/s).
 * Prints the wall time including enqueue, the achieved rate, the 429s and duplicates Telegram saw, and the bot's
 * resident memory sampled every second (peak, and at a quarter, half and three quarters of the run): a broadcast that
 * keeps per-recipient objects grows with the run, a flat one does not. And where the time went: how busy the machine's
 * cores were on average (every process on it: the bots, PostgreSQL, Redis, the simulator, and anything else running),
 * and the bot processes' CPU per message that arrived.
 *
 * <p>With {@code replicas} above 1 (PostgreSQL only), that many minus one more bot processes run beside it as delivering
 * replicas ({@code run} with {@code bot.poll-updates=false}), and all of them share an embedded Redis limiter, as in
 * the README's "Run several replicas": the broadcast's deliveries are sent by whichever replica claims them. The
 * limiter is limiter-local for one process and the shared Redis limiter for several; {@code redis} as the fifth
 * argument puts a single process on Redis too, so the limiter's cost and a second process's cost can be told apart.
 *
 * <pre>java -Djava.io.tmpdir=delivery-bench/target -cp delivery-bench/target/benchmarks.jar \
 *     io.botdelivery.bench.broadcast.PaidBroadcastAtScale [chats] [postgres|memory] [bot jar] [replicas] [local|redis] [round trip ms]</pre>
 *
 * The round trip (default 0) is the simulator's: every Bot API call waits half of it each way.
 *
 * The bot jar defaults to {@code example-bot/target/example-bot.jar} (build it with {@code mvn -B -q -DskipTests package}).
 */
public final class PaidBroadcastAtScale {
    /** How long a run goes on after the simulator's first 429 before the broadcast is stopped. */
    private static final Duration STOP_AFTER_429 = Duration.ofSeconds(10);

    private static final long FIRST_CHAT = 7_000_000_000L;

    private PaidBroadcastAtScale() {
    }

    public static void main(String[] args) throws Exception {
        int chats = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String store = args.length > 1 ? args[1] : "postgres";
        Path jar = Path.of(args.length > 2 ? args[2] : "example-bot/target/example-bot.jar");
        int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        String limiter = args.length > 4 ? args[4] : replicas > 1 ? "redis" : "local";
        if (!limiter.equals("redis") && !limiter.equals("local")) {
            throw new IllegalArgumentException("the limiter is local or redis, not " + limiter);
        }
        if (replicas > 1 && limiter.equals("local")) {
            throw new IllegalArgumentException("several replicas share one budget: use the redis limiter");
        }
        Duration roundTrip = Duration.ofMillis(args.length > 5 ? Long.parseLong(args[5]) : 0);
        boolean sharedLimiter = limiter.equals("redis");
        if (replicas > 1 && !store.equals("postgres")) {
            throw new IllegalArgumentException("several replicas share a queue: use the postgres store");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no bot jar at " + jar.toAbsolutePath()
                    + ": build it first (mvn -B -q -DskipTests package)");
        }
        ArrivalClockCheck.warnIfPausing();
        Path work = Files.createTempDirectory("paid-broadcast");
        Path list = work.resolve("chats.txt");
        Files.write(list, LongStream.range(FIRST_CHAT, FIRST_CHAT + chats).mapToObj(Long::toString).toList());

        try (TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().roundTrip(roundTrip)
                     // the simulator plays the network on its request threads: at 1000 calls/s a round trip holds
                     // that many calls at once, so 64 threads alone would cap a 100 ms round trip at 640 calls/s
                     .workerThreads(64 + (int) (3 * 1000 * roundTrip.toMillis() / 1000)).build());
             PostgresServer postgres = store.equals("postgres") ? PostgresServer.embedded(Map.of("max_connections", "200", "shared_preload_libraries", "pg_stat_statements")) : null) {
            Map<String, String> env = new HashMap<>();
            env.put("BOT_TOKEN", telegram.token());
            env.put("BOT_API_URL", telegram.baseUrl().toString());
            env.put("BOT_STORE", store);
            env.put("BOT_LIMITER", "local");
            RedisServerExtension redis = null;
            if (sharedLimiter) {
                redis = RedisServerExtension.embeddedOrFromEnv();
                redis.start();
                env.put("BOT_LIMITER", "redis");
                env.put("BOT_REDIS_URL", redis.url().toString());
            }
            if (postgres != null) {
                TestDatabase db = postgres.createDatabase();
                env.put("BOT_POSTGRES_URL", db.jdbcUrl());
                env.put("BOT_POSTGRES_USER", db.user());
                if (db.password() != null) {
                    env.put("BOT_POSTGRES_PASSWORD", db.password());
                }
            }
            List<Process> helpers = new ArrayList<>();
            for (int i = 1; i < replicas; i++) {
                helpers.add(startReplica(jar, env, 8090 + i, work.resolve("replica-" + i + ".log")));
            }
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", gcLog(work, "bot"), botJvmOptions(), "-jar", jar.toString(), "broadcast", "--name", "scale-" + System.currentTimeMillis(),
                    "--chats", list.toString(), "--text", "Spring sale: every pack half price!", "--paid",
                    "--max-wait", "900").stream().filter(a -> !a.isEmpty()).toList();
            // written as it comes, so that a run stopped from outside (a timeout) still leaves the broadcast's log
            Path log = work.resolve("bot.log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            MachineLoad machine = MachineLoad.start();
            long start = System.nanoTime();
            Process bot = builder.start();
            System.out.println("the bot's output: " + log + "; the replicas': " + work);
            List<Long> rssKb = new ArrayList<>();
            // the bots' CPU, from their last sample before the broadcast ended (the replicas keep running after it)
            Map<Long, Long> cpuTicks = new HashMap<>();
            long firstRateLimitNanos = 0;
            while (!bot.waitFor(1, TimeUnit.SECONDS)) {
                if (firstRateLimitNanos == 0 && !telegram.record().rateLimited().isEmpty()) {
                    firstRateLimitNanos = System.nanoTime();
                } else if (firstRateLimitNanos != 0 && System.nanoTime() - firstRateLimitNanos > STOP_AFTER_429.toNanos()) {
                    // a 429 pauses the bot for its retry_after, which the simulator escalates to an hour in a storm:
                    // the run is failed, and waiting the broadcast's max-wait out shows nothing more
                    System.out.println("429s: the broadcast is stopped " + STOP_AFTER_429.toSeconds() + " s after the first");
                    bot.destroy();
                }
                rssKb.add(residentKb(bot.pid()));
                cpuTicks.put(bot.pid(), Math.max(cpuTicks.getOrDefault(bot.pid(), 0L), cpuTicks(bot.pid())));
                for (Process helper : helpers) {
                    cpuTicks.put(helper.pid(), cpuTicks(helper.pid()));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double machineBusy = machine.stop();
            double botCpuSeconds = cpuTicks.values().stream().mapToLong(Long::longValue).sum() / 100.0;
            for (Process helper : helpers) {
                helper.destroy();
                helper.waitFor(30, TimeUnit.SECONDS);
            }
            if (redis != null) {
                redis.close();
            }

            List<AcceptedMessage> accepted = telegram.record().accepted();
            // the paid lane's rate while it sends: from the first arrival to the last (JVM start, migration and the
            // enqueue before the first send are in the wall time, not here)
            double sendingSeconds = accepted.size() < 2 ? 0 : Duration.between(
                    accepted.stream().map(AcceptedMessage::at).min(Instant::compareTo).orElseThrow(),
                    accepted.stream().map(AcceptedMessage::at).max(Instant::compareTo).orElseThrow()).toNanos() / 1e9;
            long duplicates = accepted.stream().collect(Collectors.groupingBy(AcceptedMessage::chatId, Collectors.counting()))
                    .values().stream().filter(n -> n > 1).count();
            writeArrivals(work, accepted, telegram.record().rejected());
            List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
            output.stream().filter(l -> !l.contains("\r")).skip(Math.max(0, output.size() - 25)).forEach(System.out::println);
            System.out.println("the bot's whole output: " + log);
            System.out.printf("%n| chats | store | replicas | limiter | round trip | exit | wall incl. enqueue | arrived | msg/s over the wall "
                    + "| msg/s while sending | 429s | chats with duplicates "
                    + "| RSS peak | RSS at 1/4, 1/2, 3/4 | machine busy (%d cores) | bots' CPU per message |%n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n", Runtime.getRuntime().availableProcessors());
            System.out.printf("| %,d | %s | %d | %s | %d ms | %d | %.1f s | %,d | %.0f | %.0f | %d | %d | %d MB | %s | %.0f %% | %.0f µs |%n", chats,
                    store, replicas, limiter, roundTrip.toMillis(), bot.exitValue(), seconds, accepted.size(), accepted.size() / seconds,
                    sendingSeconds == 0 ? 0 : (accepted.size() - 1) / sendingSeconds,
                    telegram.record().rateLimited().size(), duplicates,
                    rssKb.stream().mapToLong(Long::longValue).max().orElse(0) / 1024, quarters(rssKb), machineBusy * 100,
                    accepted.isEmpty() ? 0 : botCpuSeconds * 1e6 / accepted.size());
        }
        System.exit(0); // the simulator's client pools keep non-daemon threads for a while
    }

    /**
     * What the simulator saw, in the scenario suite's formats ({@code accepted.csv}, {@code refusals.csv}): a run that
     * drew 429s can be looked into afterwards (which window went over, what arrived in it). Also prints the most paid
     * arrivals in any 1 s.
     */
    private static void writeArrivals(Path work, List<AcceptedMessage> accepted, List<RejectedCall> rejected)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("at,chat_id,paid,answer_lost,identity");
        accepted.stream().sorted(java.util.Comparator.comparing(AcceptedMessage::at)).forEach(m ->
                lines.add(m.at() + "," + m.chatId() + "," + m.paidBroadcast() + "," + m.answerLost() + "," + m.sendId()));
        Files.write(work.resolve("accepted.csv"), lines);
        List<String> refusals = new ArrayList<>();
        refusals.add("at,method,chat_id,status,retry_after,limited_scope,injected,description");
        for (RejectedCall r : rejected) {
            refusals.add(r.at() + "," + r.method() + "," + r.chatId() + "," + r.status() + "," + r.retryAfter() + ","
                    + (r.limitedScope() == null ? "" : r.limitedScope()) + "," + r.injected() + ",\""
                    + r.description().replace("\"", "'") + "\"");
        }
        Files.write(work.resolve("refusals.csv"), refusals);
        List<Instant> paid = accepted.stream().filter(AcceptedMessage::paidBroadcast).map(AcceptedMessage::at).sorted().toList();
        int most = 0;
        for (int from = 0, to = 0; to < paid.size(); to++) {
            while (Duration.between(paid.get(from), paid.get(to)).compareTo(Duration.ofSeconds(1)) >= 0) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        System.out.println("most paid arrivals in any 1 s: " + most + "; arrivals and refusals in " + work);
    }

    /**
     * Each bot's collector pauses, with wall-clock times, in the run's directory: a pause stops a process's sends (and
     * the simulator's reading) and lets them leave together afterwards, so windows over budget can be matched to them.
     */
    private static String gcLog(Path work, String name) {
        return "-Xlog:safepoint,gc:file=" + work.resolve("gc-" + name + ".log") + ":utctime,uptime";
    }

    /**
     * One more JVM option for every bot process, from the system property {@code bench.botJvmOption} (empty: none),
     * e.g. {@code -Dbench.botJvmOption=-XX:+UseZGC} to compare collectors.
     */
    private static String botJvmOptions() {
        return System.getProperty("bench.botJvmOption", "").trim();
    }

    /** A delivering replica ({@code run}, no updates) on the same store and limiter; returns once it has started. */
    private static Process startReplica(Path jar, Map<String, String> env, int opsPort, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", gcLog(log.getParent(), log.getFileName().toString().replace(".log", "")), botJvmOptions(),
                "-jar", jar.toString(), "run").filter(a -> !a.isEmpty()).toList())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("BOT_POLL_UPDATES", "false");
        builder.environment().put("BOT_HTTP_PORT", Integer.toString(opsPort));
        Process replica = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!replica.isAlive()) {
                throw new IllegalStateException("replica exited with " + replica.exitValue() + "; see " + log);
            }
            if (Files.exists(log) && Files.readString(log).contains("bot-delivery started")) {
                return replica;
            }
            Thread.sleep(200);
        }
        replica.destroyForcibly();
        throw new IllegalStateException("replica did not start within 60 s; see " + log);
    }

    private static String quarters(List<Long> rssKb) {
        if (rssKb.isEmpty()) {
            return "-";
        }
        return List.of(1, 2, 3).stream().map(q -> rssKb.get(Math.min(rssKb.size() - 1, rssKb.size() * q / 4)) / 1024 + " MB")
                .collect(Collectors.joining(", "));
    }

    /** The process's CPU time so far (user + system) in clock ticks of 10 ms; 0 where there is none. */
    private static long cpuTicks(long pid) {
        return ProcStat.of(pid).map(ProcStat::ownTicks).orElse(0L);
    }

    /** The process's resident set from /proc (Linux), 0 where there is none. */
    private static long residentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process ended between two samples
        }
        return 0;
    }
}
