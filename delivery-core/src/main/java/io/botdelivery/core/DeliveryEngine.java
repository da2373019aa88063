package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.Sender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The delivery engine: implements {@link DeliveryService} over the four ports. This class is the facade; the work is
 * done by one class per responsibility (see docs/design.md): {@link Holdings}, {@link ChatLanes} and
 * {@link ReadyQueues} hold the in-memory state, the {@link Dispatcher} moves ready deliveries to the wire,
 * {@link OutcomePolicy} decides what an outcome means and the {@link Settlement} applies it through
 * {@link DurableWrites}, the {@link Poller} takes work in and keeps its leases, the {@link AlertDispatcher} alerts the
 * admin on its own executor, and {@link CallerFutures} completes the callers' futures. {@link Admission},
 * {@link Cancellation} and {@link Shutdown} carry out submit, cancel and close.
 *
 * <p>Lifecycle of a delivery: saved before its first attempt; dispatched at once when this instance has room (leased
 * on save), otherwise claimed later from the store; per chat, one delivery at a time in submission order; a rate-limit
 * slot is reserved, the delivery waits for it on a timer (no thread held), is sent, and the outcome decides. Any wait
 * longer than {@code maxInlineWait} hands the delivery back to the store.
 *
 * <p><b>Locking.</b> This class keeps no state of its own beyond the parts; it takes the engine lock
 * ({@link EngineContext#lock()}) only for short in-memory steps, and never calls a port while holding it.
 */
public final class DeliveryEngine implements DeliveryService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);

    private final EngineContext ctx;
    private final Object lock;
    private final CallerFutures futures = new CallerFutures();
    private final AlertDispatcher alerts;
    private final Poller poller;
    private final Admission admission;
    private final Cancellation cancellation;
    private final Shutdown shutdown;

    private DeliveryEngine(Builder b, TaskScheduler scheduler, TaskScheduler alertScheduler, List<ThreadPoolTaskScheduler> owned) {
        EngineMetrics metrics = new EngineMetrics(b.meterRegistry);
        this.ctx = new EngineContext(Objects.requireNonNull(b.store, "store"), Objects.requireNonNull(b.limiter, "limiter"),
                Objects.requireNonNull(b.sender, "sender"), Objects.requireNonNull(b.clock, "clock"), scheduler,
                Objects.requireNonNull(b.config, "config"), metrics, Objects.requireNonNull(b.random, "random"));
        this.lock = ctx.lock();
        DurableWrites writes = new DurableWrites(ctx);
        this.alerts = new AlertDispatcher(ctx, Objects.requireNonNull(b.notifier, "notifier"), alertScheduler, writes);
        Dispatcher dispatcher = new Dispatcher(ctx);
        Settlement settlement = new Settlement(ctx, dispatcher, writes, futures, alerts);
        dispatcher.settleWith(settlement);
        this.poller = new Poller(ctx, dispatcher, settlement, alerts, futures);
        this.admission = new Admission(ctx, poller, futures);
        this.cancellation = new Cancellation(ctx, dispatcher, writes, this::find);
        this.shutdown = new Shutdown(ctx, poller, dispatcher, alerts, futures, owned);
        metrics.gauge("delivery.held", "deliveries held in memory by this instance", this::heldCount);
        metrics.gauge("delivery.outcomes.pending", "callers' futures not completed yet", futures::pendingCount);
        dispatcher.registerGauges(metrics);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling the store for due work and owed notifications. Idempotent. */
    public DeliveryEngine start() {
        if (ctx.closing()) {
            throw new IllegalStateException("the delivery engine was closed; build a new one");
        }
        if (poller.start()) {
            log.info("delivery engine {} started", ctx.workerId());
        }
        return this;
    }

    public EngineConfig config() {
        return ctx.config;
    }

    /**
     * Stores the request, then delivers it: at once when this instance has room under {@code maxBuffered}, otherwise
     * when an instance claims it from the store. A repeated idempotency key returns the stored delivery, not accepted
     * again. A store failure reaches the caller as the store's exception.
     *
     * @throws IllegalStateException once {@link #close()} has begun
     */
    @Override
    public Submission submit(DeliveryRequest request) {
        return admission.submit(request);
    }

    /**
     * Stores many requests in a few store round trips ({@code RetryStore.saveAll}) and answers one submission per
     * request, in the order given. Every request is checked before anything is stored: a null one rejects the whole
     * batch with an {@link io.botdelivery.api.InvalidDeliveryException} naming its index ({@code requests[3]}). An
     * idempotency key already stored, or repeated inside the batch, answers the stored delivery
     * ({@code created = false}). The new deliveries are stored PENDING and claimed at once by a poll round, as many as
     * fit under {@code maxBuffered} (the rest when room frees up, or by another instance), in the order given; per
     * chat they go out in that order. A store failure reaches the caller; deliveries of earlier chunks of a large
     * batch may be stored, and submitting the same batch again is safe.
     *
     * @throws IllegalStateException once {@link #close()} has begun (nothing is stored)
     */
    @Override
    public List<Submission> submitAll(List<DeliveryRequest> requests) {
        return admission.submitAll(requests);
    }

    /** The delivery's snapshot; a final one also completes the caller's future if it is still pending here. */
    @Override
    public Optional<Delivery> find(DeliveryId id) {
        Optional<Delivery> d = ctx.store.find(id);
        d.ifPresent(futures::completeIfFinal);
        return d;
    }

    @Override
    public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        Optional<Delivery> d = ctx.store.findByIdempotencyKey(key);
        d.ifPresent(futures::completeIfFinal);
        return d;
    }

    /**
     * Cancels a delivery not on the wire. A delivery held here leaves its chat lane at once, whatever the store says;
     * if the store cannot record the cancel now, the delivery stays held (not sent, its lease kept) while the cancel is
     * retried with backoff, and this returns true. A delivery not held here is cancelled in the store or not at all; a
     * store failure then reaches the caller.
     */
    @Override
    public boolean cancel(DeliveryId id) {
        return cancellation.cancel(id);
    }

    @Override
    public boolean redeliver(DeliveryId id) {
        boolean moved = ctx.store.redeliver(id, ctx.now());
        if (moved) {
            log.info("delivery {} moved back to PENDING for redelivery", id);
            poller.wake();
        }
        return moved;
    }

    @Override
    public QueueSummary summary() {
        return ctx.store.summary();
    }

    @Override
    public List<Delivery> recentFailures(int limit) {
        return ctx.store.recentFailures(limit);
    }

    /**
     * Polls the store now instead of at the next interval: e.g. when PostgreSQL's LISTEN/NOTIFY says another instance
     * submitted or released work. Harmless to call often.
     */
    public void wakeUp() {
        poller.wake();
    }

    /** Deliveries this instance holds right now (for tests and health checks). */
    public int heldCount() {
        synchronized (lock) {
            return ctx.holdings.size();
        }
    }

    /** What this instance holds right now, for health checks and tests. */
    public EngineSnapshot snapshot() {
        synchronized (lock) {
            return new EngineSnapshot(ctx.holdings.ids(),
                    ctx.lanes.activeDeliveries().stream().map(HeldDelivery::id).toList(), futures.pendingCount(),
                    alerts.queued(), ctx.closing());
        }
    }

    /**
     * Stops taking work, waits up to {@code shutdownGrace} for sends on the wire, hands every other held delivery back
     * to the store (due when it would have been), completes every caller's future still pending (with the final
     * snapshot, or {@link io.botdelivery.api.OutcomeUnavailableException}), and shuts down the threads the builder
     * created. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (ctx.closing()) {
                return;
            }
            ctx.markClosing();
        }
        shutdown.run();
    }

    /** Assembles an engine; store, limiter and sender are required. */
    public static final class Builder {
        private RetryStore store;
        private RateLimiter limiter;
        private Sender sender;
        private Notifier notifier = Notifier.none();
        private Clock clock = Clock.systemUTC();
        private TaskScheduler scheduler;
        private TaskScheduler alertScheduler;
        private EngineConfig config = EngineConfig.defaults();
        private RandomGenerator random = RandomGenerator.getDefault();
        private MeterRegistry meterRegistry = new SimpleMeterRegistry();

        private Builder() {
        }

        public Builder store(RetryStore v) { this.store = v; return this; }

        public Builder limiter(RateLimiter v) { this.limiter = v; return this; }

        public Builder sender(Sender v) { this.sender = v; return this; }

        public Builder notifier(Notifier v) { this.notifier = v; return this; }

        public Builder clock(Clock v) { this.clock = v; return this; }

        /**
         * Where sends, timers and polls run. Defaults to a {@link ThreadPoolTaskScheduler} of up to
         * {@link EngineConfig#sendCeiling()} + 2 workers, made as sends need them and ended when idle, which the engine
         * shuts down on close; a scheduler passed here is the caller's to shut down, and its workers bound the sends.
         */
        public Builder scheduler(TaskScheduler v) { this.scheduler = v; return this; }

        /**
         * Where admin alerts run, one at a time. Defaults to a thread of the engine's own (shut down on close) when the
         * builder creates the main scheduler, and to the scheduler passed to {@link #scheduler} otherwise.
         */
        public Builder alertScheduler(TaskScheduler v) { this.alertScheduler = v; return this; }

        public Builder config(EngineConfig v) { this.config = v; return this; }

        /** Jitter for retry delays; drawn from under a lock, so any generator will do. */
        public Builder random(RandomGenerator v) { this.random = v; return this; }

        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = v; return this; }

        public DeliveryEngine build() {
            Objects.requireNonNull(config, "config");
            List<ThreadPoolTaskScheduler> owned = new ArrayList<>();
            TaskScheduler main = scheduler;
            TaskScheduler forAlerts = alertScheduler;
            if (main == null) {
                ThreadPoolTaskScheduler created = new ThreadPoolTaskScheduler(config.sendCeiling() + 2, "delivery");
                owned.add(created);
                main = created;
                if (forAlerts == null) {
                    ThreadPoolTaskScheduler alertThread = new ThreadPoolTaskScheduler(1, "delivery-alert");
                    owned.add(alertThread);
                    forAlerts = alertThread;
                }
            }
            return new DeliveryEngine(this, main, forAlerts != null ? forAlerts : main, owned);
        }
    }

    /**
     * What an engine holds at one moment.
     *
     * @param held            deliveries held in memory (leased by this instance)
     * @param laneHolders     the delivery occupying each chat lane
     * @param pendingOutcomes callers' futures not completed yet
     * @param queuedAlerts    admin alerts waiting or being sent
     * @param closed          whether close() has begun
     */
    public record EngineSnapshot(List<DeliveryId> held, List<DeliveryId> laneHolders, int pendingOutcomes,
                                 int queuedAlerts, boolean closed) {
        public EngineSnapshot {
            held = List.copyOf(held);
            laneHolders = List.copyOf(laneHolders);
        }
    }
}
