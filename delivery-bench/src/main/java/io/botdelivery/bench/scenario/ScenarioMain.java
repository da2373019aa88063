package io.botdelivery.bench.scenario;

import io.botdelivery.bench.proc.ArrivalClockCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs a suite of scenarios and writes the results: a table on standard output, {@code results.md},
 * {@code results.csv} and {@code send-rate.png} in the output directory.
 *
 * <pre>
 * ScenarioMain [--suite full|smoke] [--only name,name] [--arrival-tolerance-ms N] [--global-429]
 *              [--max-concurrent-sends N] [--no-escalation] [--arrival-margin-ms N] [--chat-arrival-margin-ms N]
 *              [--round-trip-ms N] [--out DIR] [--work DIR] [--check]
 * </pre>
 * {@code --global-429} makes every instance treat a 429 as the bot-wide budget's, as example-bot's wiring does;
 * {@code --max-concurrent-sends N} fixes the engine's maxConcurrentSends (default: sized by the engine from the measured round trip); {@code --no-escalation} makes the
 * simulator keep every retry_after at what its window needs instead of doubling it for callers that come back early.
 * {@code --check} exits with status 1 when an invariant is broken (a lost delivery, a double claim).
 * {@code --arrival-tolerance-ms} overrides how much arrival jitter the simulator tolerates in every scenario;
 * {@code --arrival-margin-ms} how much longer than Telegram's lane windows (global, paid) the instances' limiters keep
 * (default 50); {@code --chat-arrival-margin-ms} the same for each chat's window (default 250);
 * {@code --round-trip-ms} the simulated Bot API round trip (default 0; Telegram's real one is 50–300 ms).
 */
public final class ScenarioMain {
    private static final Logger log = LoggerFactory.getLogger(ScenarioMain.class);

    /**
     * Verdicts that must hold on any machine, however loaded: {@code --check} fails when one is not met. 429s, windows,
     * alerts and drain times depend on how late a busy machine delivers sends, so they are reported, not checked.
     */
    static final Set<String> INVARIANTS = Set.of("0 lost in every scenario", "0 claimed twice");

    private ScenarioMain() {
    }

    public static void main(String[] args) throws Exception {
        ArrivalClockCheck.warnIfPausing();
        Options o = Options.parse(args);
        // stopped early (Ctrl-C, kill): take the instance JVMs and the embedded servers down with us
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "kill-children"));
        String suite = o.suite + o.options.describe();
        // the results so far are rewritten after every scenario: a long suite stopped early still leaves its figures
        List<ScenarioResult> results = runAll(o.scenarios(), o.work, o.options, done -> {
            try {
                write(done, suite, o.out);
            } catch (IOException e) {
                log.warn("could not write the results so far ({})", e.toString());
            }
        });
        ResultsReport report = write(results, suite, o.out);
        System.out.println(report.plain());
        System.out.println("results written to " + o.out.toAbsolutePath());
        if (o.check && !invariantsHold(report)) {
            System.out.println("INVARIANT BROKEN: see the verdicts above");
            System.exit(1);
        }
        System.exit(0);
    }

    /** Runs the scenarios one after another on one Redis and one PostgreSQL. */
    static List<ScenarioResult> runAll(List<Scenario> scenarios, Path work, RunOptions options)
            throws InterruptedException, IOException {
        return runAll(scenarios, work, options, done -> { });
    }

    /** As above, calling {@code afterEach} with the results so far after every scenario. */
    static List<ScenarioResult> runAll(List<Scenario> scenarios, Path work, RunOptions options,
                                       Consumer<List<ScenarioResult>> afterEach) throws InterruptedException, IOException {
        Files.createDirectories(work);
        boolean shared = scenarios.stream().anyMatch(s -> s.wiring().shared());
        List<ScenarioResult> results = new ArrayList<>();
        try (Infrastructure infrastructure = shared ? Infrastructure.start() : null) {
            ScenarioRunner runner = new ScenarioRunner(infrastructure, work, options);
            for (Scenario s : scenarios) {
                long t = System.nanoTime();
                log.info("=== scenario {}: {}", s.name(), s.title());
                results.add(runner.run(s));
                afterEach.accept(List.copyOf(results));
                log.info("=== scenario {} done in {} s", s.name(), (System.nanoTime() - t) / 1_000_000_000);
            }
        }
        return results;
    }

    /** Writes results.md, results.csv and send-rate.png into {@code out}. */
    static ResultsReport write(List<ScenarioResult> results, String suite, Path out) throws IOException {
        Files.createDirectories(out);
        double load = results.stream().mapToDouble(ScenarioResult::machineCpu).average().orElse(0);
        ResultsReport report = new ResultsReport(results, suite, machine(load));
        SendRateChart.write(results, "bot-delivery: messages accepted per second (suite " + suite + ")",
                out.resolve("send-rate.png"));
        Files.writeString(out.resolve("results.md"), report.markdown("send-rate.png"));
        Files.writeString(out.resolve("results.csv"), report.csv());
        return report;
    }

    static boolean invariantsHold(ResultsReport report) {
        return report.verdicts().stream().filter(v -> INVARIANTS.contains(v.target()))
                .allMatch(v -> v.status() != Verdict.Status.NOT_MET);
    }

    /** Cores, memory and how busy the machine was: the figures depend on all three. */
    static String machine(double meanLoad) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%d cores, %.0f GiB RAM, %s %s, Java %s; machine shared with other sessions, "
                        + "mean CPU load during the runs %.0f %%",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1073741824.0, os.getName(),
                os.getArch(), System.getProperty("java.version"), meanLoad * 100);
    }

    /** The command line. */
    private record Options(String suite, List<String> only, Path out, Path work, boolean check, Duration tolerance,
                           RunOptions options) {
        static Options parse(String[] args) {
            String suite = "full";
            List<String> only = List.of();
            Path out = null;
            Path work = null;
            boolean check = false;
            Duration tolerance = null;
            boolean globalRetryAfter = false;
            int maxConcurrentSends = 0;
            boolean escalate = true;
            Duration margin = RunOptions.DEFAULT_ARRIVAL_MARGIN;
            Duration chatMargin = RunOptions.DEFAULT_CHAT_ARRIVAL_MARGIN;
            Duration roundTrip = Duration.ZERO;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--suite" -> suite = value(args, ++i);
                    case "--only" -> only = Arrays.asList(value(args, ++i).split(","));
                    case "--out" -> out = Path.of(value(args, ++i));
                    case "--work" -> work = Path.of(value(args, ++i));
                    case "--check" -> check = true;
                    case "--global-429" -> globalRetryAfter = true;
                    case "--max-concurrent-sends" -> maxConcurrentSends = Integer.parseInt(value(args, ++i));
                    case "--no-escalation" -> escalate = false;
                    case "--arrival-margin-ms" -> margin = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                    case "--chat-arrival-margin-ms" -> chatMargin = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                    case "--round-trip-ms" -> roundTrip = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                    case "--arrival-tolerance-ms" -> tolerance = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                    default -> usage("unknown argument " + args[i]);
                }
            }
            if (out == null) {
                out = Path.of("target", "scenario-results", suite);
            }
            if (work == null) {
                work = Path.of("target", "scenario-runs", suite);
            }
            return new Options(suite, only, out, work, check, tolerance, new RunOptions(globalRetryAfter, maxConcurrentSends, escalate, margin, chatMargin,
                    roundTrip));
        }

        List<Scenario> scenarios() {
            List<Scenario> all = ScenarioCatalog.suite(suite).stream()
                    .map(s -> tolerance == null ? s : s.withArrivalTolerance(tolerance)).toList();
            if (only.isEmpty()) {
                return all;
            }
            List<Scenario> chosen = all.stream().filter(s -> only.contains(s.name())).toList();
            if (chosen.size() != only.size()) {
                usage("--only names scenarios of suite " + suite + ": "
                        + all.stream().map(Scenario::name).collect(Collectors.joining(", ")));
            }
            return chosen;
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                usage(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        private static void usage(String problem) {
            System.err.println(problem);
            System.err.println("usage: ScenarioMain [--suite full|smoke] [--only name,name] [--arrival-tolerance-ms N] "
                    + "[--global-429] [--max-concurrent-sends N] [--no-escalation] [--out DIR] [--work DIR] [--check]");
            System.exit(2);
        }
    }
}
