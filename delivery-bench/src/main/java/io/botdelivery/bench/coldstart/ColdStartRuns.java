package io.botdelivery.bench.coldstart;

import io.botdelivery.bench.proc.ArrivalClockCheck;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.RejectedCall;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Cold starts against Telegram's limits (issue #15, "never faster from the first second"): one simulator at Telegram's
 * limits with a 100 ms round trip (and a handshake round trip for each new connection), and for each run a fresh JVM
 * ({@link ColdStartBroadcast}) that wires the engine and broadcasts one text to {@code chats} private chats, then exits.
 * Between runs it waits until the simulator's windows (1 s lanes, with retry_after bans) are clear; each run uses its own
 * chats. Prints, per run: 429s, the most arrivals in any 1 s, the 31st arrival's distance from the 1st, the rate from
 * the 41st arrival on (the steady lane), the child's run time (JVM start excluded).
 *
 * <pre>java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.coldstart.ColdStartRuns [runs] [chats]</pre>
 *
 * <p>{@code -Dcoldstart.arrivals=true} also prints each run's first 45 arrivals, in ms after its first.
 */
public final class ColdStartRuns {
    static final Duration ROUND_TRIP = Duration.ofMillis(100);
    private static final Duration BETWEEN_RUNS = Duration.ofMillis(2_500);
    /** The steady rate is read from this arrival (0-based) on: past the cold start's first windows. */
    private static final int STEADY_FROM = 40;

    private ColdStartRuns() {
    }

    /** One run's figures from the simulator's record. */
    record RunResult(int run, int delivered, int rateLimited, int maxInOneSecond, long thirtyFirstAfterFirstMillis,
                     double steadyPerSecond, long millis) {
    }

    public static void main(String[] args) throws Exception {
        ArrivalClockCheck.warnIfPausing();
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int chats = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        SimulatorConfig config = SimulatorConfig.builder().roundTrip(ROUND_TRIP).arrivalJitterTolerance(Duration.ZERO).build();
        System.out.printf(Locale.ROOT, "cold starts: %d runs, each a fresh JVM broadcasting to %d private chats;"
                        + " simulator at Telegram's limits (30/s, 1/s per chat, no arrival tolerance), %d ms round trip,"
                        + " one more per new connection; limiter margins %d ms lane, %d ms chat%n", runs, chats,
                ROUND_TRIP.toMillis(), ColdStartBroadcast.LANE_MARGIN.toMillis(), ColdStartBroadcast.CHAT_MARGIN.toMillis());
        System.out.printf(Locale.ROOT, "%4s %9s %5s %14s %18s %14s %9s%n", "run", "delivered", "429s", "max in any 1 s",
                "31st after 1st ms", "steady msg/s", "run ms");
        List<RunResult> results = new ArrayList<>();
        try (TelegramSimulator telegram = TelegramSimulator.start(config)) {
            for (int run = 1; run <= runs; run++) {
                long firstChat = 1_000_000L * run;
                RunResult r = runOnce(telegram, run, firstChat, chats);
                results.add(r);
                System.out.printf(Locale.ROOT, "%4d %9d %5d %14d %18d %14.2f %9d%n", r.run(), r.delivered(),
                        r.rateLimited(), r.maxInOneSecond(), r.thirtyFirstAfterFirstMillis(), r.steadyPerSecond(), r.millis());
                Thread.sleep(BETWEEN_RUNS.toMillis());
            }
        }
        long with429 = results.stream().filter(r -> r.rateLimited() > 0).count();
        int total429 = results.stream().mapToInt(RunResult::rateLimited).sum();
        int worstWindow = results.stream().mapToInt(RunResult::maxInOneSecond).max().orElse(0);
        long minGap = results.stream().mapToLong(RunResult::thirtyFirstAfterFirstMillis).filter(g -> g >= 0).min().orElse(-1);
        double steady = results.stream().mapToDouble(RunResult::steadyPerSecond).filter(r -> r > 0).average().orElse(0);
        System.out.printf(Locale.ROOT, "runs with a 429: %d of %d (%d 429s in all); most arrivals in any 1 s: %d;"
                        + " shortest 1st-to-31st: %d ms; steady rate %.2f msg/s on average (%.3f of the 30/s budget; the 50 ms"
                        + " lane margin allows %.2f)%n", with429, results.size(), total429, worstWindow, minGap, steady,
                steady / 30, 30_000.0 / (1_000 + ColdStartBroadcast.LANE_MARGIN.toMillis()));
    }

    /** Starts the child JVM, waits for it, and reads the run's arrivals and 429s from the record. */
    static RunResult runOnce(TelegramSimulator telegram, int run, long firstChat, int chats)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ColdStartBroadcast.class.getName());
        command.add(telegram.baseUrl().toString());
        command.add(telegram.token());
        command.add(Long.toString(firstChat));
        command.add(Integer.toString(chats));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int delivered = -1;
        long millis = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("@DONE ")) {
                    String[] parts = line.split(" ");
                    delivered = Integer.parseInt(parts[1]);
                    millis = Long.parseLong(parts[3]);
                }
            }
        }
        if (!child.waitFor(2, TimeUnit.MINUTES)) {
            child.destroyForcibly();
        }
        long lastChat = firstChat + chats - 1;
        List<Long> arrivals = telegram.record()
                .accepted(m -> m.chatId() >= firstChat && m.chatId() <= lastChat).stream()
                .map(AcceptedMessage::at).map(t -> t.getEpochSecond() * 1_000_000_000L + t.getNano()).sorted().toList();
        int rateLimited = (int) telegram.record().rateLimited().stream()
                .filter((RejectedCall c) -> c.chatId() >= firstChat && c.chatId() <= lastChat).count();
        if (Boolean.getBoolean("coldstart.arrivals")) {
            StringBuilder offsets = new StringBuilder("     arrivals (ms after the first):");
            for (long at : arrivals.subList(0, Math.min(45, arrivals.size()))) {
                offsets.append(' ').append(TimeUnit.NANOSECONDS.toMillis(at - arrivals.get(0)));
            }
            System.out.println(offsets);
        }
        return new RunResult(run, delivered, rateLimited, telegram.record().maxInAnyWindow(m -> m.chatId() >= firstChat && m.chatId() <= lastChat,
                Duration.ofSeconds(1)),
                arrivals.size() > 30 ? TimeUnit.NANOSECONDS.toMillis(arrivals.get(30) - arrivals.get(0)) : -1,
                steadyPerSecond(arrivals), millis);
    }

    /** Arrivals per second from the 41st to the last: the lane once the cold start is over (0 if too few). */
    static double steadyPerSecond(List<Long> arrivals) {
        int from = STEADY_FROM;
        int last = arrivals.size() - 1;
        if (last - from < 10) {
            return 0;
        }
        return (last - from) / ((arrivals.get(last) - arrivals.get(from)) / 1e9);
    }
}
