package io.botdelivery.bench.scenario;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.bench.chaos.ChaosEvent;
import io.botdelivery.bench.chaos.ChaosFindings;
import io.botdelivery.bench.chaos.ChaosMetrics;
import io.botdelivery.bench.chaos.ChaosTarget;
import io.botdelivery.bench.chaos.ChaosTimeline;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.store.postgres.PostgresRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStoreConfig;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.FaultRates;
import io.botdelivery.simulator.RejectedCall;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one {@link Scenario} end to end: the simulator with Telegram's budgets, a fresh database and an empty Redis,
 * the instance JVMs, the workload, the chaos; then waits until every delivery is final and every alert sent, stops the
 * instances, and turns the evidence (the simulator's record, the instances' event logs, the store) into a
 * {@link ScenarioResult}.
 */
final class ScenarioRunner {
    private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);
    private static final int WARMUP_SECONDS = 5;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Infrastructure infrastructure;
    private final Path workDirectory;
    private final RunOptions options;

    /**
     * @param infrastructure Redis and PostgreSQL, or {@code null} when only local scenarios run
     * @param workDirectory  where each scenario's logs, event logs and workload go (one sub-directory each)
     * @param options        how the instances run
     */
    ScenarioRunner(Infrastructure infrastructure, Path workDirectory, RunOptions options) {
        this.infrastructure = infrastructure;
        this.workDirectory = workDirectory;
        this.options = options;
    }

    ScenarioResult run(Scenario scenario) throws InterruptedException {
        if (scenario.wiring().shared() && infrastructure == null) {
            throw new IllegalStateException(scenario.name() + " needs Redis and PostgreSQL");
        }
        Path runDir = prepare(workDirectory.resolve(scenario.name()));
        Workload workload = WorkloadGenerator.generate(scenario.workload(), scenario.instances(), scenario.name());
        WorkloadFile.write(runDir.resolve("workload.csv"), workload.items());
        log.info("scenario {}: {} deliveries ({} messages standard lane, {} paid lane) over {} s, {} instance(s)",
                scenario.name(), workload.items().size(), workload.offeredWeight(false), workload.offeredWeight(true),
                scenario.workload().offerFor().toSeconds(), scenario.instances());

        SimulatorConfig simConfig = SimulatorConfig.builder().budgets(RateBudgets.telegramDefaults())
                .arrivalJitterTolerance(scenario.arrivalTolerance()).workerThreads(48).roundTrip(options.roundTrip())
                .retryAfterEscalation(options.escalate() ? SimulatorConfig.defaults().retryAfterEscalation() : 1.0).build();
        TestDatabase database = null;
        PostgresRetryStore store = null;
        try (TelegramSimulator telegram = TelegramSimulator.start(simConfig)) {
            setUpChats(telegram, workload.chats());
            SimulatorWarmUp.run(telegram);
            String jdbcUrl = "";
            String jdbcUser = "";
            if (scenario.wiring().shared()) {
                infrastructure.flushRedis();
                database = infrastructure.newDatabase();
                jdbcUrl = database.jdbcUrl();
                jdbcUser = database.user();
                // migrate once here, so the instances start on a ready schema; this store also answers the drain probe
                store = PostgresRetryStore.start(storeConfig(database, false));
            }
            InstanceSettings template = new InstanceSettings(0, 0, scenario.instances(), scenario.wiring(), runDir, 0,
                    scenario.wiring().shared() ? infrastructure.redis().address() : "", jdbcUrl, jdbcUser,
                    telegram.port(), telegram.token(), workload.chats().adminChat(), scenario.leaseLength(),
                    scenario.maxInlineWait(), options.globalRetryAfter(), options.maxConcurrentSends(),
                    options.arrivalMargin(), options.chatArrivalMargin());
            try (InstanceFleet fleet = new InstanceFleet(template, scenario.instances());
                 MachineLoad load = MachineLoad.start()) {
                fleet.launch();
                fleet.awaitReady(READY_TIMEOUT);
                // the warm-up sends leave the simulator's windows before time zero, and its record
                Thread.sleep(1_100);
                telegram.record().clear();
                Instant start = Instant.now().plusMillis(500);
                fleet.start(start.toEpochMilli());
                Fleet target = new Fleet(fleet, telegram, database);
                ChaosTimeline chaos = scenario.hasChaos() ? ChaosTimeline.realTime(scenario.chaos(), target, start) : null;
                if (chaos != null) {
                    chaos.start();
                }
                Instant offerEnd = start.plus(scenario.workload().offerFor());
                sleepUntil(offerEnd);
                if (!fleet.awaitSubmitted(Duration.ofSeconds(60))) {
                    log.warn("scenario {}: not every instance finished submitting within 60 s after the offer ended", scenario.name());
                }
                if (chaos != null) {
                    chaos.join();
                }
                Instant drainStart = Instant.now();
                boolean drained = drain(scenario, fleet, store);
                double drainSeconds = Duration.between(offerEnd, Instant.now()).toMillis() / 1000.0;
                log.info("scenario {}: {} after {} s", scenario.name(), drained ? "drained" : "DRAIN TIMED OUT",
                        Duration.between(drainStart, Instant.now()).toSeconds());
                Map<String, StoredOutcome> outcomes = store != null ? outcomesFromStore(store, workload) : null;
                fleet.stopAll(STOP_GRACE);
                if (outcomes == null) {
                    outcomes = OutcomeFile.readAll(runDir);
                }
                double machineCpu = load.stop();
                List<ChaosEvent> events = chaos == null ? List.of() : chaos.events();
                return analyse(scenario, workload, runDir, telegram, start, drainSeconds, drained, outcomes,
                        fleet.samples(), events, machineCpu);
            }
        } finally {
            if (store != null) {
                store.close();
            }
            if (database != null) {
                infrastructure.dropDatabase(database);
            }
        }
    }

    private ScenarioResult analyse(Scenario scenario, Workload workload, Path runDir, TelegramSimulator telegram,
                                   Instant start, double drainSeconds, boolean drained, Map<String, StoredOutcome> outcomes,
                                   List<InstanceSample> samples, List<ChaosEvent> chaosEvents, double machineCpu) {
        List<Arrival> arrivals = new ArrayList<>();
        for (AcceptedMessage m : telegram.record().accepted()) {
            arrivals.add(new Arrival(m.sendId(), m.chatId(), m.text(), m.paidBroadcast(), m.answerLost(), m.at()));
        }
        int rateLimited = 0;
        int botWide = 0;
        List<String> refusals = new ArrayList<>();
        refusals.add("at,method,chat_id,status,retry_after,limited_scope,injected,description");
        for (RejectedCall r : telegram.record().rejected()) {
            if (r.isRateLimit()) {
                rateLimited++;
                if (r.limitedScope() != null && !r.limitedScope().isChat()) {
                    botWide++;
                }
            }
            refusals.add(r.at() + "," + r.method() + "," + r.chatId() + "," + r.status() + "," + r.retryAfter() + ","
                    + (r.limitedScope() == null ? "" : r.limitedScope()) + "," + r.injected() + ",\""
                    + r.description().replace("\"", "'") + "\"");
        }
        writeLines(runDir.resolve("refusals.csv"), refusals);
        List<String> accepted = new ArrayList<>();
        accepted.add("at,chat_id,paid,answer_lost,identity");
        for (Arrival a : arrivals) {
            accepted.add(a.at() + "," + a.chatId() + "," + a.paid() + "," + a.answerLost() + "," + a.identity());
        }
        writeLines(runDir.resolve("accepted.csv"), accepted);
        int injected = telegram.record().faults().size();
        List<LoggedEvent> events = LoggedEvent.readAll(runDir);
        Map<String, Long> submits = new HashMap<>();
        for (LoggedEvent e : events) {
            if (e.type().equals("SUBMIT")) {
                submits.merge(e.field(0), e.atMicros(), Math::min);
            }
        }
        long startMicros = EventLog.micros(start);
        int offerSeconds = (int) scenario.workload().offerFor().toSeconds();
        RateSeries series = RateSeries.of(arrivals, startMicros, offerSeconds + (int) Math.ceil(drainSeconds) + 2);
        DeliveryTally tally = DeliveryAccounting.tally(workload, submits, outcomes, arrivals, workload.chats().adminChat());
        WindowMaxima windows = WindowStats.of(arrivals, RateBudgets.telegramDefaults(),
                telegram.config().arrivalJitterTolerance());
        LeaseFindings leases = LeaseAudit.audit(events, chaosEvents);
        TimingFindings timing = TimingAudit.audit(events, arrivals, workload, RateBudgets.telegramDefaults().global().permits());
        ChaosFindings chaos = !scenario.hasChaos() ? null : ChaosMetrics.of(chaosEvents, series.standardAsDoubles(),
                start, offerSeconds, leases.maxRecoverySeconds());
        double seconds = scenario.workload().offerFor().toNanos() / 1e9;
        return new ScenarioResult(scenario, start, ScenarioCatalog.BUDGET,
                workload.offeredWeight(false) / seconds, workload.offeredWeight(true) / seconds,
                series.meanStandard(WARMUP_SECONDS, offerSeconds), series.meanPaid(WARMUP_SECONDS, offerSeconds),
                rateLimited, botWide, injected, windows, tally, leases, timing, chaosEvents, chaos, InstanceUsage.of(samples), machineCpu,
                drainSeconds, drained, series);
    }

    /** Waits until nothing is PENDING or IN_FLIGHT and every FAILED delivery's alert is recorded. */
    private boolean drain(Scenario scenario, InstanceFleet fleet, PostgresRetryStore store) throws InterruptedException {
        long deadline = System.nanoTime() + scenario.drainTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            Optional<long[]> q = store != null ? probe(store) : probe(fleet.queueLine(0));
            if (q.isPresent() && q.get()[0] == 0 && q.get()[1] == 0 && q.get()[2] == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** {pending, in flight, FAILED without alert}, or empty if the store cannot answer right now. */
    private static Optional<long[]> probe(PostgresRetryStore store) {
        try {
            QueueSummary q = store.summary();
            long unnotified = store.recentFailures(100_000).stream().filter(d -> d.notifiedAt() == null).count();
            return Optional.of(new long[]{q.count(DeliveryStatus.PENDING), q.count(DeliveryStatus.IN_FLIGHT), unnotified});
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<long[]> probe(String queueLine) {
        if (queueLine == null) {
            return Optional.empty();
        }
        String[] p = queueLine.trim().split(" ");
        return Optional.of(new long[]{Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[4])});
    }

    private static Map<String, StoredOutcome> outcomesFromStore(PostgresRetryStore store, Workload workload) {
        Map<String, StoredOutcome> outcomes = new HashMap<>();
        for (WorkItem item : workload.items()) {
            Optional<Delivery> d = store.findByIdempotencyKey(IdempotencyKey.of(item.key()));
            d.ifPresent(x -> outcomes.put(item.key(), outcomeOf(x)));
        }
        return outcomes;
    }

    static StoredOutcome outcomeOf(Delivery d) {
        FailureClass klass = d.status() == DeliveryStatus.FAILED ? d.lastErrorClass() : null;
        return new StoredOutcome(d.id().toString(), d.status(), klass, d.notifiedAt());
    }

    private static void setUpChats(TelegramSimulator telegram, ChatSetup chats) {
        for (long blocked : chats.blocked()) {
            telegram.chats().block(blocked);
        }
        chats.migrations().forEach((group, supergroup) -> telegram.chats().migrate(group, supergroup));
    }

    static PostgresRetryStoreConfig storeConfig(TestDatabase database, boolean listen) {
        PostgresRetryStoreConfig.Builder b = PostgresRetryStoreConfig.builder(database.jdbcUrl()).user(database.user())
                .migrateOnStart(true).listenNotify(listen).poolSize(4);
        if (database.password() != null) {
            b.password(database.password());
        }
        return b.build();
    }

    private static Path prepare(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("logback-instance.xml"), INSTANCE_LOGBACK);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + dir, e);
        }
    }

    private static void writeLines(Path file, List<String> lines) {
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** The instances log to their own file; Redisson, Netty, Hikari and OkHttp only when something is wrong. */
    private static final String INSTANCE_LOGBACK = """
            <configuration>
              <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                <file>${bench.instance.log}</file>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <logger name="io.botdelivery" level="INFO"/>
              <root level="WARN"><appender-ref ref="FILE"/></root>
            </configuration>
            """;

    /** The chaos timeline's view of this scenario's processes and servers. */
    private final class Fleet implements ChaosTarget {
        private final InstanceFleet fleet;
        private final TelegramSimulator telegram;
        private final TestDatabase database;

        Fleet(InstanceFleet fleet, TelegramSimulator telegram, TestDatabase database) {
            this.fleet = fleet;
            this.telegram = telegram;
            this.database = database;
        }

        @Override
        public int instances() {
            return fleet.size();
        }

        @Override
        public int kill(int slot) {
            try {
                return fleet.kill(slot);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing instance " + slot, e);
            }
        }

        @Override
        public void restart(int slot) {
            fleet.restart(slot);
        }

        @Override
        public void stopRedis() {
            infrastructure.redis().stop();
        }

        @Override
        public void startRedis() {
            infrastructure.redis().restart();
        }

        @Override
        public void stopPostgres() {
            infrastructure.postgres().stop();
        }

        @Override
        public void startPostgres() {
            infrastructure.postgres().start();
        }

        @Override
        public int terminatePostgresSessions() {
            return infrastructure.postgres().terminateBackends(database);
        }

        @Override
        public void dropAfterAccept(double share) {
            telegram.faults().rates(share == 0 ? FaultRates.none()
                    : new FaultRates(0, 0, 0, share, 0, 0, Duration.ofMillis(200), FaultRates.DEFAULT_PARTIAL_ALBUM_ERROR, 7));
        }
    }
}
