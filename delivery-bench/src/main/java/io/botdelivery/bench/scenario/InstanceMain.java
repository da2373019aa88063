package io.botdelivery.bench.scenario;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.core.spi.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the bot in its own JVM: an engine wired with real adapters, submitting its share of the workload
 * at the scheduled times, and talking to the coordinator over standard input and output ({@link InstanceProcess}).
 *
 * <p>A restarted incarnation (after kill -9) submits again what it cannot prove earlier incarnations submitted (the
 * same idempotency keys: a client retrying), and carries on with the rest at its scheduled times.
 */
public final class InstanceMain {
    private static final Logger log = LoggerFactory.getLogger(InstanceMain.class);

    private final InstanceSettings settings;
    private final PrintStream out;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile long startEpochMillis;
    private final CountDownLatch started = new CountDownLatch(1);

    private InstanceMain(InstanceSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.startEpochMillis = settings.startEpochMillis();
        if (startEpochMillis > 0) {
            started.countDown();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: InstanceMain <instance settings file>");
            System.exit(2);
        }
        // the protocol owns standard output: everything else (logs, library noise) goes elsewhere
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        InstanceSettings settings = InstanceSettings.read(Path.of(args[0]));
        new InstanceMain(settings, protocol).run();
        System.exit(0);
    }

    private void run() throws Exception {
        Thread control = new Thread(this::readCommands, "control");
        control.setDaemon(true);
        control.start();
        List<WorkItem> share = WorkloadFile.read(settings.workloadFile()).stream()
                .filter(i -> i.instance() == settings.slot()).toList();
        Set<String> alreadySubmitted = submittedByEarlierIncarnations();
        try (EventLog events = new EventLog(settings.eventLog(), Clock.systemUTC());
             InstanceAdapters adapters = InstanceAdapters.open(settings)) {
            EngineConfig config = EngineConfig.defaults()
                    .withWorkerId(settings.workerId())
                    // the cap first: the config refuses a lease that is not longer than the cap in force
                    .withMaxInlineWait(settings.maxInlineWait())
                    .withLeaseLength(settings.leaseLength());
            if (settings.globalRetryAfter()) {
                // example-bot's policy, applied by the engine like any other 429 scope policy
                config = config.toBuilder().retryAfterScope(RetryAfterScopePolicy.ALWAYS_GLOBAL).build();
            }
            if (settings.maxConcurrentSends() > 0) {
                config = config.withMaxConcurrentSends(settings.maxConcurrentSends());
            }
            DeliveryEngine engine = DeliveryEngine.builder()
                    .store(new LoggedRetryStore(adapters.store(), events))
                    .limiter(new LoggedRateLimiter(adapters.limiter(), events))
                    .sender(new LoggedSender(adapters.sender(), events))
                    .notifier(new LoggedNotifier(adapters.notifier(), events))
                    .config(config)
                    .build();
            adapters.onNewWork(engine::wakeUp);
            warmUp(adapters);
            engine.start();
            ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "reporter");
                t.setDaemon(true);
                return t;
            });
            reporter.scheduleAtFixedRate(this::reportStats, 0, 1, TimeUnit.SECONDS);
            if (!settings.wiring().shared()) {
                // a memory store lives only in this JVM: the coordinator learns when the queue is drained from here
                reporter.scheduleAtFixedRate(() -> reportQueue(engine), 1, 2, TimeUnit.SECONDS);
            }
            out.println("@READY " + settings.workerId());
            log.info("instance {} ready ({} deliveries in its share, {} already submitted before)", settings.workerId(),
                    share.size(), alreadySubmitted.size());
            started.await();
            int submitted = submitAll(engine, events, share, alreadySubmitted);
            out.println("@SUBMITTED " + submitted);
            stop.await();
            reporter.shutdownNow();
            if (!settings.wiring().shared()) {
                // the coordinator cannot read a store in this JVM's memory: write what it knows before stopping
                OutcomeFile.write(OutcomeFile.file(settings.runDirectory(), settings.slot(), settings.incarnation()),
                        adapters.store(), share);
            }
            engine.close();
            log.info("instance {} stopped", settings.workerId());
        }
        out.println("@STOPPED");
    }

    /**
     * Opens the connections a first delivery would open (Redis and its script, the store's pool) before the scenario
     * starts, and sends once outside the workload, so its first seconds measure the system rather than a cold start.
     * One reservation for the admin chat is spent on it, before time zero.
     */
    private void warmUp(InstanceAdapters adapters) {
        try {
            adapters.limiter().reserve(new RateRequest(settings.adminChat(), 1, false), Duration.ofSeconds(1));
            adapters.store().summary();
            // a text and an upload to a chat of its own, outside the workload (the coordinator clears the record)
            long chat = SimulatorWarmUp.instanceWarmUpChat(settings.slot());
            adapters.sender().send(new SendRequest(DeliveryId.random(), chat, SimulatorWarmUp.instanceWarmUpText(settings.slot()), false, 1));
            Thread.sleep(1_100);
            adapters.sender().send(new SendRequest(DeliveryId.random(), chat, SimulatorWarmUp.instanceWarmUpPhoto(settings.slot()), false, 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("warm-up failed ({}); starting anyway", e.toString());
        }
    }

    /** Submits the share at its scheduled times; returns how many submits returned. */
    private int submitAll(DeliveryEngine engine, EventLog events, List<WorkItem> share, Set<String> skip)
            throws InterruptedException {
        Payloads payloads = new Payloads();
        int n = 0;
        for (WorkItem item : share) {
            if (stop.getCount() == 0) {
                break;
            }
            if (skip.contains(item.key())) {
                continue;
            }
            long due = startEpochMillis + item.offsetMillis();
            long wait = due - System.currentTimeMillis();
            if (wait > 0 && stop.await(wait, TimeUnit.MILLISECONDS)) {
                break;
            }
            submitOne(engine, events, payloads, item);
            n++;
        }
        return n;
    }

    /** Submits until the engine takes it: a client retries with the same idempotency key while the store is down. */
    private void submitOne(DeliveryEngine engine, EventLog events, Payloads payloads, WorkItem item) throws InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                Submission s = engine.submit(payloads.request(item));
                events.submit(item.key(), s.id().toString(), s.created());
                return;
            } catch (RetryStoreException e) {
                log.warn("submit of {} failed ({}); retrying in {} ms", item.key(), e.getMessage(), backoff);
            } catch (InvalidDeliveryException e) {
                throw new IllegalStateException("the workload produced an invalid delivery " + item, e);
            }
            if (stop.await(backoff, TimeUnit.MILLISECONDS)) {
                return;
            }
            backoff = Math.min(2_000, backoff * 2);
        }
    }

    private Set<String> submittedByEarlierIncarnations() throws IOException {
        Set<String> keys = new HashSet<>();
        for (int inc = 0; inc < settings.incarnation(); inc++) {
            Path file = InstanceSettings.eventLog(settings.runDirectory(), settings.slot(), inc);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                LoggedEvent e = LoggedEvent.parse(settings.slot(), inc, line);
                if (e != null && e.type().equals("SUBMIT")) {
                    keys.add(e.field(0));
                }
            }
        }
        return keys;
    }

    private void reportStats() {
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        out.println("@STATS " + System.currentTimeMillis() + " " + cpu + " " + heap);
    }

    /** {@code @QUEUE pending inFlight failed failedNotNotified}, for the coordinator's drain when the store is in memory. */
    private void reportQueue(DeliveryEngine engine) {
        try {
            QueueSummary q = engine.summary();
            long unnotified = engine.recentFailures(100_000).stream().map(Delivery::notifiedAt).filter(t -> t == null).count();
            out.println("@QUEUE " + q.count(DeliveryStatus.PENDING) + " " + q.count(DeliveryStatus.IN_FLIGHT) + " "
                    + q.count(DeliveryStatus.FAILED) + " " + unnotified);
        } catch (RuntimeException e) {
            log.debug("queue summary unavailable ({})", e.toString());
        }
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String l = line.trim();
                if (l.startsWith("start ")) {
                    startEpochMillis = Long.parseLong(l.substring(6).trim());
                    started.countDown();
                } else if (l.equals("stop")) {
                    break;
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("control channel closed ({})", e.toString());
        }
        // a closed channel means the coordinator is gone: stop as well
        started.countDown();
        stop.countDown();
    }
}
