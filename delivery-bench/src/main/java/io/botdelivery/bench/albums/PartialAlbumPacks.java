package io.botdelivery.bench.albums;

import io.botdelivery.bench.proc.ArrivalClockCheck;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramSenderConfig;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Packs with partial albums next to packs without, in one run: {@code buyers} buyers (private chats) each get an album
 * pack of 3 photos at once, through the engine, the local limiter, the memory store and {@link TelegramSender} against
 * the simulator at Telegram's limits, on real time. In the faulted run each album call is hit with probability 0.3 by
 * a partial album answered with a plain 429 (the first 1–2 items arrive, retry_after 2 s), the resend too; the clean
 * run has no faults. Prints pack latency (submit to DELIVERED or FAILED) p50/p99, how many ended FAILED and the most
 * times any one album item arrived, for two arrival patterns: every buyer at once (the run is then bound by the
 * 30 msg/s budget, and the items a partial album delivered before its 429 spend budget by Telegram's count, so later
 * packs wait for the next window), and buyers arriving one per {@code gap} (default 200 ms: 15 msg/s, half the
 * budget), where a partial album can only cost its own buyer: what a shop sees.
 *
 * <pre>java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.albums.PartialAlbumPacks [buyers] [rounds] [gap ms]</pre>
 */
public final class PartialAlbumPacks {
    private static final double FAULT_SHARE = 0.3;

    private PartialAlbumPacks() {
    }

    /** @param unhitMillis latencies of the packs whose album drew no fault: what a partial album costs the others */
    private record Run(List<Long> latenciesMillis, List<Long> unhitMillis, long failed, long maxArrivalsPerItem,
                       long faults) {
    }

    public static void main(String[] args) throws Exception {
        ArrivalClockCheck.warnIfPausing();
        int buyers = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long pacedGapMillis = args.length > 2 ? Long.parseLong(args[2]) : 200;
        run(buyers, FAULT_SHARE, -1, 0); // warm-up, not counted: a cold JVM's first sends are slow (cold start, issue #15)
        System.out.printf("%d buyers x %d rounds, album pack of 3 photos each%n", buyers, rounds);
        System.out.printf("| buyers arrive | run | pack p50 | pack p99 | p50 of packs not hit | FAILED "
                + "| max arrivals of one item |%n|---|---|---|---|---|---|---|%n");
        compare("all at once (budget-bound)", buyers, rounds, 0);
        compare("one per " + pacedGapMillis + " ms (" + (3_000 / pacedGapMillis) + " msg/s offered)", buyers, rounds,
                pacedGapMillis);
        System.out.flush();
        System.exit(0); // the HTTP clients' pools keep non-daemon threads alive for a while
    }

    /** Clean and faulted runs interleaved, so both see the same machine load; prints two rows and the ratio. */
    private static void compare(String arrival, int buyers, int rounds, long gapMillis) throws Exception {
        List<Long> clean = new ArrayList<>();
        List<Long> faulted = new ArrayList<>();
        List<Long> unhit = new ArrayList<>();
        long failed = 0;
        long maxArrivals = 0;
        long cleanMax = 0;
        long faults = 0;
        for (int round = 0; round < rounds; round++) {
            Run c = run(buyers, 0, round, gapMillis);
            Run f = run(buyers, FAULT_SHARE, round, gapMillis);
            clean.addAll(c.latenciesMillis());
            faulted.addAll(f.latenciesMillis());
            unhit.addAll(f.unhitMillis());
            failed += f.failed();
            faults += f.faults();
            maxArrivals = Math.max(maxArrivals, f.maxArrivalsPerItem());
            cleanMax = Math.max(cleanMax, c.maxArrivalsPerItem());
        }
        System.out.printf("| %s | no faults | %d ms | %d ms | %d ms | 0 | %d |%n", arrival, pct(clean, 0.5),
                pct(clean, 0.99), pct(clean, 0.5), cleanMax);
        System.out.printf("| %s | 30 %% partial albums (plain 429) | %d ms | %d ms | %d ms | %d | %d |%n", arrival,
                pct(faulted, 0.5), pct(faulted, 0.99), pct(unhit, 0.5), failed, maxArrivals);
        System.out.printf("  %s: %d partial-album faults injected; median ratio faulted / clean %.2f%n", arrival,
                faults, (double) pct(faulted, 0.5) / Math.max(1, pct(clean, 0.5)));
    }

    private static Run run(int buyers, double faultShare, int round, long gapMillis) throws Exception {
        RateBudgets budgets = RateBudgets.telegramDefaults();
        Duration margin = Duration.ofMillis(50);
        Random random = new Random(1000L + round * 7919L);
        Set<Long> hit = new HashSet<>();
        try (TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().budgets(budgets)
                .arrivalJitterTolerance(margin).build());
             TelegramSender sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                     .withApiUrl(telegram.baseUrl()))) {
            for (int b = 0; b < buyers; b++) {
                long chat = 10_000 + b;
                // each album call (the first and the resend) is faulted with probability faultShare
                for (int call = 0; call < 2; call++) {
                    if (random.nextDouble() < faultShare) {
                        if (call == 0) {
                            hit.add(chat);
                        }
                        telegram.faults().nextFor(chat, Fault.partialAlbumRateLimited(2 + random.nextInt(2), 2));
                    } else {
                        telegram.faults().nextFor(chat, Fault.pass());
                    }
                }
            }
            DeliveryEngine engine = DeliveryEngine.builder().store(new io.botdelivery.store.memory.InMemoryRetryStore())
                    .limiter(new LocalRateLimiter(budgets.withArrivalMargin(margin), Clock.systemUTC()))
                    .sender(sender).notifier(Notifier.none())
                    .config(EngineConfig.defaults().withWorkerId("packs")).build().start();
            try {
                List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
                List<Submission> submissions = new ArrayList<>();
                for (int b = 0; b < buyers; b++) {
                    long chat = 10_000 + b;
                    Payload.Album album = new Payload.Album(List.of(
                            Payload.photo(MediaSource.url("https://example.com/1.jpg"), chat + "-1"),
                            Payload.photo(MediaSource.url("https://example.com/2.jpg"), chat + "-2"),
                            Payload.photo(MediaSource.url("https://example.com/3.jpg"), chat + "-3")));
                    if (gapMillis > 0 && b > 0) {
                        Thread.sleep(gapMillis);
                    }
                    long start = System.nanoTime();
                    Submission s = engine.submit(DeliveryRequest.builder(chat, album).build());
                    s.outcome().thenAccept(d -> latencies.add(new long[] {
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                            d.status() == DeliveryStatus.FAILED ? 1 : 0, hit.contains(chat) ? 1 : 0}));
                    submissions.add(s);
                }
                for (Submission s : submissions) {
                    s.outcome().toCompletableFuture().get(5, TimeUnit.MINUTES);
                }
                synchronized (latencies) {
                    long failed = latencies.stream().filter(l -> l[1] == 1).count();
                    Map<String, Long> perItem = telegram.record().accepted().stream()
                            .collect(Collectors.groupingBy(AcceptedMessage::text, Collectors.counting()));
                    long max = perItem.values().stream().mapToLong(Long::longValue).max().orElse(0);
                    return new Run(latencies.stream().map(l -> l[0]).toList(),
                            latencies.stream().filter(l -> l[2] == 0).map(l -> l[0]).toList(), failed, max,
                            telegram.record().faultCount(Fault.PartialAlbumRateLimited.class));
                }
            } finally {
                engine.close();
            }
        }
    }

    private static long pct(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
