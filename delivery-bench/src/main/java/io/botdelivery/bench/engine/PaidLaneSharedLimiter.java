package io.botdelivery.bench.engine;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.bench.proc.ProcStat;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paid lane with its limiter shared, side by side in one run: one engine on the local limiter, one engine on the
 * Redis limiter, and two engines (two "replicas" in one JVM, one memory store between them) on one Redis limiter
 * lane. The Redis rows two ways: the bot-wide pause read from Redis before every send that waited for its slot
 * ({@code pauseReadInterval} 0, as before 2026-12-06) and read at most every 50 ms (the default now). The late slots
 * column counts sends that missed their slot by more than {@code lateSendTolerance} and reserved again (each one a slot
 * of the shared lane lost); the last, the {@code redis-server} process's CPU over the row per limiter decision. Everything else as in {@link PaidLaneConcurrency}: a paid broadcast to {@code chats} chats, adaptive
 * concurrency, the example bot's 50 ms lane margin (952 msg/s allowed), a sender that answers after a fixed round trip.
 * It separates what the Redis limiter costs the paid lane from what PostgreSQL and separate processes cost it
 * ({@code PaidBroadcastAtScale} with replicas measures all of them together).
 *
 * <p>Usage: {@code java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.engine.PaidLaneSharedLimiter
 * [chats, 5000] [round trip ms, 100]}. Redis: embedded, or {@code DELIVERY_TEST_REDIS_URL}.
 */
public final class PaidLaneSharedLimiter {
    private PaidLaneSharedLimiter() {
    }

    record Row(String name, double perSecond, double steadyPerSecond, int mostOnTheWire, double lateSlots,
               double denied, double redisMicrosPerDecision) {
    }

    /** One engine per limiter, all on one memory store. */
    static Row run(String name, List<RateLimiter> limiters, SimpleMeterRegistry registry, RateBudgets budgets, int chats,
            Duration roundTrip) throws InterruptedException {
        PaidLaneConcurrency.RoundTripSender sender = new PaidLaneConcurrency.RoundTripSender(roundTrip, chats);
        InMemoryRetryStore store = new InMemoryRetryStore();
        List<DeliveryEngine> engines = new ArrayList<>();
        long redisTicksBefore = redisServerTicks();
        try {
            for (RateLimiter limiter : limiters) {
                engines.add(DeliveryEngine.builder().store(store).limiter(limiter).sender(sender).meterRegistry(registry)
                        .config(EngineConfig.defaults().toBuilder().maxBuffered(chats).build()).build());
            }
            // submitted before any engine starts, so every engine claims from a full queue
            for (int i = 0; i < chats; i++) {
                engines.get(0).submit(DeliveryRequest.builder(2_000_000L + i, Payload.text("paid " + i))
                        .allowPaidBroadcast(true).build());
            }
            engines.forEach(DeliveryEngine::start);
            while (sender.calls.get() < chats) {
                Thread.sleep(50);
            }
            PaidLaneConcurrency.Rates rates = sender.rates();
            double late = registry.find("delivery.late_slots").counters().stream().mapToDouble(c -> c.count()).sum();
            double denied = registry.find("delivery.limiter.redis.decisions").tag("outcome", "denied").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            double decisions = registry.find("delivery.limiter.redis.decisions").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            double redisMicros = (redisServerTicks() - redisTicksBefore) * 10_000.0;
            return new Row(name, rates.perSecond(), rates.steadyPerSecond(), sender.mostOnTheWire.get(), late, denied,
                    decisions == 0 ? Double.NaN : redisMicros / decisions);
        } finally {
            engines.forEach(DeliveryEngine::close);
        }
    }

    /**
     * CPU time so far of every {@code redis-server…} process on this machine (the embedded one: nothing else runs Redis
     * here), in clock ticks of 10 ms, from /proc (Linux); 0 where there is none.
     */
    static long redisServerTicks() {
        return ProcStat.all().stream().filter(p -> p.command().startsWith("redis-server"))
                .mapToLong(ProcStat::ownTicks).sum();
    }

    /** A row of Redis engines: how many, and how old a bot-wide pause read from Redis may be. */
    private record Setup(int engines, Duration pauseReadInterval) {
        String name() {
            return engines + (engines == 1 ? " engine" : " engines") + ", Redis, pause read "
                    + (pauseReadInterval.isZero() ? "every send" : "≤ " + pauseReadInterval.toMillis() + " ms");
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int chats = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Duration roundTrip = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 100);
        RateBudgets budgets = RateBudgets.telegramDefaults().withArrivalMargins(Duration.ofMillis(50), Duration.ofMillis(250));
        double allowed = budgets.paidBroadcast().permits() / (budgets.paidBroadcast().window().toNanos() / 1e9);
        RedisServerExtension redis = RedisServerExtension.embeddedOrFromEnv();
        redis.start();
        System.out.printf(Locale.ROOT, "paid broadcast to %d chats, memory store, Bot API round trip %d ms, %.0f msg/s allowed%n",
                chats, roundTrip.toMillis(), allowed);
        List<Row> rows = new ArrayList<>();
        rows.add(run("1 engine, local limiter", List.of(new LocalRateLimiter(budgets, Clock.systemUTC())),
                new SimpleMeterRegistry(), budgets, chats, roundTrip));
        int round = 0;
        List<Setup> setups = new ArrayList<>();
        for (int engines : new int[] {1, 2}) {
            setups.add(new Setup(engines, Duration.ZERO));
            setups.add(new Setup(engines, Duration.ofMillis(50)));
        }
        for (Setup setup : setups) {
            List<RateLimiter> limiters = new ArrayList<>();
            List<RedisRateLimiter> toClose = new ArrayList<>();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            for (int i = 0; i < setup.engines(); i++) {
                // a bot id per row: each row starts from an empty lane in the same Redis
                RedisRateLimiter limiter = RedisRateLimiter.create(RedisRateLimiterConfig.builder("bench" + round)
                        .address(redis.address()).budgets(budgets).instanceCount(setup.engines())
                        .pauseReadInterval(setup.pauseReadInterval()).build(), Clock.systemUTC(), registry);
                limiters.add(limiter);
                toClose.add(limiter);
            }
            round++;
            try {
                rows.add(run(setup.name(), limiters, registry, budgets, chats, roundTrip));
            } finally {
                toClose.forEach(RedisRateLimiter::close);
            }
        }
        System.out.printf(Locale.ROOT, "| %-46s | %7s | %8s | %12s | %16s | %10s | %14s | %22s |%n", "limiter", "msg/s",
                "share", "steady msg/s", "most on the wire", "late slots", "limiter denied", "Redis CPU per decision");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-46s | %7.1f | %8.3f | %12.1f | %16d | %10.0f | %14.0f | %19.0f µs |%n",
                    r.name(), r.perSecond(), r.perSecond() / allowed, r.steadyPerSecond(), r.mostOnTheWire(), r.lateSlots(),
                    r.denied(), r.redisMicrosPerDecision());
        }
        redis.close();
    }
}
