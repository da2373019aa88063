package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosAction;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The named scenarios: the full suite (9 scenarios, about half an hour) whose figures are quoted, and the smoke suite
 * that CI runs so the harness cannot rot (2 scenarios, under 3 minutes).
 */
public final class ScenarioCatalog {
    /** Telegram's budget for the standard lane. */
    static final double BUDGET = 30;
    private static final double PAID_RATE = 10;
    private static final long SEED = 20261128;
    /** The simulator's default: a send may arrive 20 ms early within a window. */
    private static final Duration TELEGRAM_TOLERANCE = Duration.ofMillis(20);

    private ScenarioCatalog() {
    }

    public static List<Scenario> suite(String name) {
        return switch (name) {
            case "full" -> full();
            case "smoke" -> smoke();
            default -> throw new IllegalArgumentException("unknown suite " + name + " (full or smoke)");
        };
    }

    public static Optional<Scenario> find(String suite, String scenario) {
        return suite(suite).stream().filter(s -> s.name().equals(scenario)).findFirst();
    }

    /**
     * The full suite: lease 25 s (with maxInlineWait 20 s) so a killed instance's leased deliveries come back within
     * the 30 s target; the engine's default lease is 60 s.
     */
    public static List<Scenario> full() {
        Duration lease = Duration.ofSeconds(25);
        Duration inline = Duration.ofSeconds(20);
        return List.of(
                shared("steady", "3 instances, 0.8 × the budget offered: latency when Telegram's budget is not the brake",
                        mixed(120, 0.8), null, 60, lease, inline),
                shared("saturate", "3 instances, 1.5 × the budget offered: the budget is the only brake",
                        mixed(120, 1.5), null, 150, lease, inline),
                shared("broadcast", "3 instances, a text-only newsletter to 3000 chats at 1.5 × the budget: no albums",
                        WorkloadSpec.broadcast(SEED, secs(120), BUDGET * 1.5), null, 150, lease, inline),
                local("saturate-local", "1 instance, limiter-local + store-memory, 1.5 × the budget (issue #3's benchmark)",
                        mixed(120, 1.5), 150),
                shared("kill-9", "kill -9 one instance every 10 s for 2 minutes, each restarted at once",
                        mixed(240, 1.2), new ChaosAction.KillInstances(secs(20), secs(10), secs(140)), 180, lease, inline),
                shared("redis-outage", "Redis stopped for 20 s, started again empty",
                        mixed(90, 1.2), new ChaosAction.RedisOutage(secs(30), secs(20)), 150, lease, inline),
                shared("postgres-restart", "PostgreSQL stopped and started again mid-run",
                        mixed(90, 1.2), new ChaosAction.PostgresRestart(secs(30), secs(5)), 120, lease, inline),
                shared("pg-terminate", "pg_terminate_backend on every store session every 5 s for 50 s",
                        mixed(90, 1.2), new ChaosAction.TerminateSessions(secs(20), secs(5), secs(70)), 120, lease, inline),
                shared("drop-after-accept", "the simulator drops 5 % of send connections after accepting",
                        mixed(90, 1.2), new ChaosAction.DropAfterAccept(secs(20), 0.05, secs(70)), 120, lease, inline));
    }

    /**
     * The smoke suite, what {@code mvn verify} runs (about 1.5 minutes): one short scenario with 2 instances in which
     * every kind of chaos happens once, and a short single-instance run on limiter-local + store-memory, so every path
     * of the harness runs in CI. The simulator tolerates 250 ms of arrival jitter here, because a shared CI machine
     * delays single sends by that much; the measured suite keeps Telegram's 20 ms.
     */
    public static List<Scenario> smoke() {
        List<ChaosAction> everything = List.of(
                new ChaosAction.DropAfterAccept(secs(2), 0.05, secs(18)),
                new ChaosAction.KillInstances(secs(4), secs(20), secs(5)),
                new ChaosAction.RedisOutage(secs(7), secs(2)),
                new ChaosAction.PostgresRestart(secs(11), secs(1)),
                new ChaosAction.TerminateSessions(secs(15), secs(20), secs(16)));
        Duration tolerance = Duration.ofMillis(250);
        return List.of(
                new Scenario("smoke-chaos", "2 instances, every kind of chaos once (smoke)", Wiring.REDIS_POSTGRES, 2,
                        mixed(20, 0.7), everything, secs(60), Duration.ofSeconds(8), Duration.ofSeconds(4), tolerance),
                new Scenario("smoke-local", "1 instance, limiter-local + store-memory (smoke)", Wiring.LOCAL_MEMORY, 1,
                        mixed(10, 0.7), List.of(), secs(40), Duration.ofSeconds(60), Duration.ofSeconds(30), tolerance));
    }

    private static Scenario shared(String name, String title, WorkloadSpec workload, ChaosAction chaos, int drainSeconds,
                                   Duration lease, Duration inline) {
        return new Scenario(name, title, Wiring.REDIS_POSTGRES, 3, workload, chaos == null ? List.of() : List.of(chaos),
                secs(drainSeconds), lease, inline, TELEGRAM_TOLERANCE);
    }

    private static Scenario local(String name, String title, WorkloadSpec workload, int drainSeconds) {
        return new Scenario(name, title, Wiring.LOCAL_MEMORY, 1, workload, List.of(), secs(drainSeconds),
                Duration.ofSeconds(60), Duration.ofSeconds(30), TELEGRAM_TOLERANCE);
    }

    private static WorkloadSpec mixed(int seconds, double overBudget) {
        return WorkloadSpec.mixed(SEED, secs(seconds), BUDGET * overBudget, PAID_RATE);
    }

    private static Duration secs(long s) {
        return Duration.ofSeconds(s);
    }
}
