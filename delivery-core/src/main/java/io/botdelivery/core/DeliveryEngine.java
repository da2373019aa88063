package io.botdelivery.core;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.Payload;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The delivery engine: implements {@link DeliveryService} over the four ports.
 *
 * <p>Lifecycle of a delivery (DESIGN.md): saved before its first attempt; dispatched at once when this instance has room
 * (leased on save), otherwise claimed later from the store by the poller; per chat, one delivery at a time in
 * submission order; a rate-limit slot is reserved (weight = album item count), the delivery waits for its slot on a
 * timer (no thread held), is sent, and the outcome decides: complete, pause the scope and retry, back off, follow a
 * migration, resend the rest of an album, or fail and notify once. Any wait longer than {@code maxInlineWait} hands
 * the delivery back to the store.
 *
 * <p>All state below is guarded by {@code lock}; ports are never called while holding it.
 */
public final class DeliveryEngine implements DeliveryService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    /**
     * What the store holds as the last error of a GIVE_UP delivery while it is on the wire. A worker that claims a
     * delivery still marked so knows its previous owner stopped mid-send: the send may have arrived, and GIVE_UP
     * means it must not go twice.
     */
    static final String SEND_STARTED = "send started; no answer recorded yet";

    private final RetryStore store;
    private final RateLimiter limiter;
    private final Sender sender;
    private final Notifier notifier;
    private final Clock clock;
    private final TaskScheduler scheduler;
    private final EngineConfig config;
    private final RandomGenerator random;
    private final EngineMetrics metrics;

    private final Object lock = new Object();
    /** Deliveries this instance holds a lease on. */
    private final Map<DeliveryId, Held> held = new HashMap<>();
    private final Map<Long, ChatLane> lanes = new HashMap<>();
    /** Lanes' active deliveries ready to reserve, by priority then arrival, one queue per budget lane. */
    private final ReadyQueues ready = new ReadyQueues();
    private final Map<DeliveryId, CompletableFuture<Delivery>> outcomes = new ConcurrentHashMap<>();
    private long seq;
    private int dispatching;
    private int sending;
    /** No dispatch at all before this: a bot-wide 429 or a halt. */
    private Instant globalPauseUntil = Instant.MIN;
    /** Held deliveries that go in the paid-broadcast lane (the rest of {@code held} go in the standard one). */
    private int heldPaid;
    /** Until when a bot-wide 429 this instance received holds (a denial by a full lane does not count). */
    private Instant penalizedUntil = Instant.MIN;
    private Instant pumpTimerAt;
    private boolean halted;
    private boolean started;
    private volatile boolean closing;
    private Instant lastLeaseRenewal = Instant.MIN;
    private Duration storeBackoff = Duration.ZERO;
    private TaskScheduler.Cancellable pollTimer;

    /** One delivery held in memory. */
    private static final class Held {
        Delivery delivery;
        long seq;
        int redirects;
        boolean sendingNow;
        boolean cancelled;
        /** Counts against maxConcurrentSends: from dispatch until its outcome (or denial). */
        boolean holdsSlot;
        /** When its reserved slot begins, while it holds one. */
        Instant slotAt;
        /** Due time while waiting on a timer (for release at shutdown). */
        Instant waitingUntil;
        TaskScheduler.Cancellable timer;

        Held(Delivery delivery, long seq) {
            this.delivery = delivery;
            this.seq = seq;
        }

        DeliveryId id() {
            return delivery.id();
        }

        String orderingKey() {
            return delivery.request().orderingKey();
        }
    }

    /** Per-chat FIFO: at most one delivery of a chat is reserving or sending at a time. */
    private static final class ChatLane {
        final long chatId;
        final ArrayDeque<Held> queue = new ArrayDeque<>();
        Held active;
        /** Ordering keys of this chat's deliveries waiting for a quick retry: later ones with the key wait too. */
        final Set<String> blockedKeys = new HashSet<>();

        ChatLane(long chatId) {
            this.chatId = chatId;
        }

        boolean idle() {
            return active == null && queue.isEmpty() && blockedKeys.isEmpty();
        }
    }

    private DeliveryEngine(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.limiter = Objects.requireNonNull(b.limiter, "limiter");
        this.sender = Objects.requireNonNull(b.sender, "sender");
        this.notifier = Objects.requireNonNull(b.notifier, "notifier");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
        this.config = Objects.requireNonNull(b.config, "config");
        this.random = Objects.requireNonNull(b.random, "random");
        this.metrics = new EngineMetrics(b.meterRegistry);
        metrics.gauge("delivery.held", "deliveries held in memory by this instance", () -> {
            synchronized (lock) {
                return held.size();
            }
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts polling the store for due work and owed notifications. Idempotent. */
    public DeliveryEngine start() {
        synchronized (lock) {
            if (started) {
                return this;
            }
            started = true;
        }
        pollTimer = scheduler.schedule(Duration.ZERO, this::poll);
        log.info("delivery engine {} started", config.workerId());
        return this;
    }

    public EngineConfig config() {
        return config;
    }

    // ---- DeliveryService -------------------------------------------------------------------------------------------

    @Override
    public Submission submit(DeliveryRequest request) {
        Objects.requireNonNull(request, "request");
        if (closing) {
            throw new IllegalStateException("the delivery engine is shutting down; nothing was stored");
        }
        Instant now = clock.instant();
        Delivery fresh = Delivery.accepted(DeliveryId.random(), request, now);
        boolean room;
        synchronized (lock) {
            // each lane has its own room: a standard-lane backlog waiting for slots never keeps paid broadcasts out
            room = started && !closing && heldIn(request.allowPaidBroadcast()) < config.maxBuffered();
        }
        RetryStore.Saved saved = store.save(fresh, room ? lease(now) : null);
        if (!saved.created()) {
            Delivery existing = saved.delivery();
            return new Submission(existing.id(), false, outcomeOf(existing));
        }
        metrics.submitted.increment();
        CompletableFuture<Delivery> outcome = outcomes.computeIfAbsent(fresh.id(), id -> new CompletableFuture<>());
        if (saved.leased()) {
            adopt(List.of(saved.delivery()));
        } else if (room) {
            wakePoller();
        }
        return new Submission(fresh.id(), true, outcome);
    }

    @Override
    public Optional<Delivery> find(DeliveryId id) {
        return store.find(id);
    }

    @Override
    public Optional<Delivery> findByIdempotencyKey(IdempotencyKey key) {
        return store.findByIdempotencyKey(key);
    }

    @Override
    public boolean cancel(DeliveryId id) {
        Held h;
        synchronized (lock) {
            h = held.get(id);
            if (h != null) {
                if (h.sendingNow) {
                    return false;
                }
                h.cancelled = true;
                if (h.timer != null) {
                    h.timer.cancel();
                }
                releaseSlot(h);
            }
        }
        Instant now = clock.instant();
        boolean cancelled = store.cancel(id, h != null ? config.workerId() : null, now);
        if (h != null) {
            synchronized (lock) {
                if (!ready.remove(h)) {
                    ChatLane lane = lanes.get(h.delivery.chatId());
                    if (lane != null) {
                        lane.queue.remove(h);
                    }
                }
                leaveLane(h);
                unhold(id);
            }
            pump();
        }
        if (cancelled) {
            store.find(id).ifPresent(this::completeOutcome);
        }
        return cancelled;
    }

    @Override
    public boolean redeliver(DeliveryId id) {
        boolean moved = store.redeliver(id, clock.instant());
        if (moved) {
            log.info("delivery {} moved back to PENDING for redelivery", id);
            wakePoller();
        }
        return moved;
    }

    @Override
    public QueueSummary summary() {
        return store.summary();
    }

    @Override
    public List<Delivery> recentFailures(int limit) {
        return store.recentFailures(limit);
    }

    // ---- taking work -----------------------------------------------------------------------------------------------

    private Lease lease(Instant now) {
        return new Lease(config.workerId(), now.plus(config.leaseLength()));
    }

    private CompletableFuture<Delivery> outcomeOf(Delivery existing) {
        if (existing.status().isFinal()) {
            return CompletableFuture.completedFuture(existing);
        }
        return outcomes.computeIfAbsent(existing.id(), id -> new CompletableFuture<>());
    }

    /** Adds a delivery to what this engine holds in memory (under the lock). */
    private void hold(Held h) {
        held.put(h.id(), h);
        if (h.delivery.request().allowPaidBroadcast()) {
            heldPaid++;
        }
    }

    /** Removes a delivery from what this engine holds in memory (under the lock); returns it, or null if not held. */
    private Held unhold(DeliveryId id) {
        Held h = held.remove(id);
        if (h != null && h.delivery.request().allowPaidBroadcast()) {
            heldPaid--;
        }
        return h;
    }

    /** Deliveries held in memory for the paid-broadcast lane, or for the standard one (under the lock). */
    private int heldIn(boolean paidBroadcast) {
        return paidBroadcast ? heldPaid : held.size() - heldPaid;
    }

    /** Takes leased deliveries into memory: each joins its chat's lane. */
    private void adopt(List<Delivery> leased) {
        List<Held> overflow = new ArrayList<>();
        List<Held> interrupted = new ArrayList<>();
        synchronized (lock) {
            for (Delivery d : leased) {
                if (held.containsKey(d.id())) {
                    continue;
                }
                Held h = new Held(d, ++seq);
                hold(h);
                if (interruptedMidSend(d)) {
                    interrupted.add(h);
                    continue;
                }
                ChatLane lane = lanes.computeIfAbsent(d.chatId(), ChatLane::new);
                if (lane.queue.size() >= config.maxQueuedPerChat()) {
                    overflow.add(h);
                    continue;
                }
                lane.queue.addLast(h);
                advance(lane);
            }
        }
        // a chat with a long backlog must not fill the whole buffer: the rest waits in the store
        Instant later = clock.instant().plus(config.maxInlineWait().dividedBy(2));
        for (Held h : overflow) {
            release(h, AttemptState.of(h.delivery), later);
        }
        for (Held h : interrupted) {
            fail(h, "ambiguous: the worker sending it stopped before Telegram's answer (policy GIVE_UP: it may or may"
                    + " not have arrived)", FailureClass.AMBIGUOUS, h.delivery.attempts() + 1);
        }
        pump();
    }

    /** Makes the lane's next eligible delivery active and ready to reserve. Lock held. */
    private void advance(ChatLane lane) {
        if (lane.active != null) {
            return;
        }
        for (Iterator<Held> it = lane.queue.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.cancelled) {
                it.remove();
                continue;
            }
            if (h.orderingKey() != null && lane.blockedKeys.contains(h.orderingKey())) {
                continue;
            }
            it.remove();
            lane.active = h;
            ready.add(h);
            return;
        }
        if (lane.idle()) {
            lanes.remove(lane.chatId);
        }
    }

    /** The delivery no longer occupies its lane (finished, released, or waiting for a quick retry). Lock held. */
    private void leaveLane(Held h) {
        ChatLane lane = lanes.get(h.delivery.chatId());
        if (lane != null && lane.active == h) {
            lane.active = null;
            advance(lane);
        }
    }

    /** Gives back the delivery's place under maxConcurrentSends, once. Lock held. */
    private void releaseSlot(Held h) {
        if (h.holdsSlot) {
            h.holdsSlot = false;
            dispatching--;
        }
    }

    /**
     * Starts as many ready deliveries as the concurrency cap and the pauses allow: a bot-wide pause (429, halt) holds
     * both lanes; a lane the limiter said is full holds only its own deliveries, so a saturated standard lane does not
     * keep paid-broadcast deliveries (a budget 30 times larger) waiting.
     */
    private void pump() {
        List<Held> toStart = new ArrayList<>();
        synchronized (lock) {
            Instant now = clock.instant();
            Instant wakeAt = null;
            if (now.isBefore(globalPauseUntil)) {
                wakeAt = ready.isEmpty() ? null : globalPauseUntil;
            } else {
                while (dispatching < config.maxConcurrentSends()) {
                    Held h = ready.poll(now);
                    if (h == null) {
                        wakeAt = ready.nextUnpause(now);
                        break;
                    }
                    dispatching++;
                    h.holdsSlot = true;
                    toStart.add(h);
                }
            }
            if (wakeAt != null && (pumpTimerAt == null || wakeAt.isBefore(pumpTimerAt))) {
                pumpTimerAt = wakeAt;
                scheduler.schedule(Duration.between(now, wakeAt), () -> {
                    synchronized (lock) {
                        pumpTimerAt = null;
                    }
                    pump();
                });
            }
        }
        for (Held h : toStart) {
            scheduler.execute(() -> reserveAndSend(h));
        }
    }

    private void reserveAndSend(Held h) {
        synchronized (lock) {
            if (h.cancelled || closing) {
                releaseSlot(h);
                return;
            }
        }
        Payload payload = h.delivery.remainingPayload();
        int weight = config.weightAlbumsByItems() ? payload.messageCount() : 1;
        Reservation reservation;
        try {
            reservation = limiter.reserve(new RateRequest(h.delivery.chatId(), weight, h.delivery.request().allowPaidBroadcast()),
                    config.reserveHorizon());
        } catch (RuntimeException e) {
            // fail closed: without a decision nothing may be sent; try again shortly
            log.warn("rate limiter unavailable ({}); deliveries wait", e.toString());
            reservation = Reservation.denied(Duration.ofSeconds(1), LimitScope.global());
        }
        if (reservation instanceof Reservation.Granted granted) {
            metrics.waited(granted.delay());
            synchronized (lock) {
                h.slotAt = clock.instant().plus(granted.delay());
            }
            if (granted.delay().isZero()) {
                send(h);
            } else {
                synchronized (lock) {
                    h.waitingUntil = clock.instant().plus(granted.delay());
                    h.timer = scheduler.schedule(granted.delay(), () -> send(h));
                }
            }
            return;
        }
        Reservation.Denied denied = (Reservation.Denied) reservation;
        Instant now = clock.instant();
        boolean releaseChat = false;
        synchronized (lock) {
            releaseSlot(h);
            if (denied.scope().isGlobal()) {
                // the request's lane is full (or paused): its other deliveries wait too, the other lane goes on
                ready.pauseLane(h, now.plus(denied.retryIn()));
                ready.add(h);
            } else if (denied.retryIn().compareTo(config.maxInlineWait()) > 0) {
                releaseChat = true;
            } else {
                h.waitingUntil = now.plus(denied.retryIn());
                h.timer = scheduler.schedule(denied.retryIn(), () -> backToReady(h));
            }
        }
        if (releaseChat) {
            releaseChat(h, now.plus(denied.retryIn()));
        }
        pump();
    }

    /**
     * Records in the store that a GIVE_UP delivery is about to go on the wire (the outcome overwrites the mark). If this
     * process dies before the answer, whoever claims the delivery next finds the mark and fails it as ambiguous
     * instead of sending it a second time. Returns false when it must not be sent now: the lease is lost (another
     * worker has it), or the store cannot take the mark (it is tried again in a second).
     */
    private boolean markSendStarted(Held h) {
        Delivery d = h.delivery;
        AttemptState started = new AttemptState(d.attempts(), d.chatId(), d.deliveredItems(), d.messageIds(),
                SEND_STARTED, FailureClass.AMBIGUOUS);
        try {
            if (store.recordAttempt(d.id(), config.workerId(), started, clock.instant())) {
                return true;
            }
        } catch (RuntimeException e) {
            log.warn("could not record that delivery {} is being sent ({}); with policy GIVE_UP it waits for the store",
                    d.id(), e.toString());
            synchronized (lock) {
                h.waitingUntil = clock.instant().plusSeconds(1);
                h.timer = scheduler.schedule(Duration.ofSeconds(1), () -> backToReady(h));
            }
            return false;
        }
        forgetLostLease(h);
        return false;
    }

    /** The store says another worker holds this delivery now: forget it here, without writing anything. */
    private void forgetLostLease(Held h) {
        log.warn("delivery {} lost its lease; another worker has it", h.id());
        synchronized (lock) {
            unhold(h.id());
            leaveLane(h);
        }
    }

    /** Gives back what a send took (its place under maxConcurrentSends) and lets the next one start. */
    private void sendEnded(Held h) {
        synchronized (lock) {
            h.sendingNow = false;
            sending--;
            releaseSlot(h);
            lock.notifyAll();
        }
        pump();
    }

    /** Whether the worker that held this GIVE_UP delivery before stopped while it was on the wire. */
    private static boolean interruptedMidSend(Delivery d) {
        return d.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP
                && d.lastErrorClass() == FailureClass.AMBIGUOUS && SEND_STARTED.equals(d.lastError());
    }

    /** The limiter's bot-wide pause; a limiter that cannot tell does not hold a granted send back. */
    private Duration globalPauseNow() {
        try {
            return limiter.globalPause();
        } catch (RuntimeException e) {
            log.debug("rate limiter could not tell whether the bot is paused ({}); the granted slot stands", e.toString());
            return Duration.ZERO;
        }
    }

    private void backToReady(Held h) {
        synchronized (lock) {
            h.timer = null;
            h.waitingUntil = null;
            if (h.cancelled || !held.containsKey(h.id())) {
                return;
            }
            ready.add(h);
        }
        pump();
    }

    private void send(Held h) {
        boolean lateSlot = false;
        boolean waitedForSlot;
        synchronized (lock) {
            waitedForSlot = h.waitingUntil != null;
        }
        // A slot granted a while ago may now fall inside a bot-wide 429 pause that this or another instance took
        // meanwhile: sent anyway, it reaches Telegram during the ban, draws another 429 and extends the ban, and a
        // fleet with many such slots never gets out. A slot granted just now was checked against the pause already.
        Duration pause = waitedForSlot ? globalPauseNow() : Duration.ZERO;
        synchronized (lock) {
            h.timer = null;
            h.waitingUntil = null;
            if (h.cancelled || closing) {
                // cancelled, or close() hands it back to the store
                releaseSlot(h);
                return;
            }
            Instant now = clock.instant();
            if (now.isBefore(penalizedUntil)) {
                pause = max(pause, Duration.between(now, penalizedUntil));
            }
            if (!pause.isZero()) {
                metrics.pausedSlots.increment();
                log.debug("delivery {}: the bot is paused for {} after a 429; its slot is given up", h.id(), pause);
                h.slotAt = null;
                releaseSlot(h);
                Instant until = now.plus(pause);
                if (until.isAfter(globalPauseUntil)) {
                    globalPauseUntil = until;
                }
                ready.add(h);
            }
        }
        if (!pause.isZero()) {
            pump();
            return;
        }
        Delivery d = h.delivery;
        // The GIVE_UP mark is written before the slot is checked for lateness, not after: a slow or unreachable store
        // would otherwise let the send leave seconds after its slot, next to a slot granted to the same chat meanwhile.
        if (d.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP && !markSendStarted(h)) {
            synchronized (lock) {
                releaseSlot(h);
                lock.notifyAll();
            }
            pump();
            return;
        }
        synchronized (lock) {
            if (h.cancelled || closing) {
                releaseSlot(h);
                return;
            }
            Duration late = h.slotAt == null ? Duration.ZERO : Duration.between(h.slotAt, clock.instant());
            h.slotAt = null;
            if (late.compareTo(config.lateSendTolerance()) > 0) {
                // the slot has passed: sent now it would arrive bunched with the next slots' sends
                metrics.lateSlots.increment();
                log.debug("delivery {} missed its slot by {}; reserving again", h.id(), late);
                lateSlot = true;
            } else {
                h.sendingNow = true;
                sending++;
            }
        }
        if (lateSlot) {
            reserveAndSend(h);
            return;
        }
        SendOutcome outcome;
        try {
            outcome = sender.send(new SendRequest(d.id(), d.chatId(), d.remainingPayload(), d.request().allowPaidBroadcast(),
                    d.attempts() + 1));
        } catch (RuntimeException e) {
            log.error("sender threw instead of returning an outcome for delivery {}; treated as ambiguous", d.id(), e);
            outcome = new SendOutcome.Ambiguous("sender threw " + e);
        }
        try {
            handle(h, outcome);
        } catch (RuntimeException e) {
            // the store could not record the outcome: keep the delivery held and let its lease expire if we cannot recover
            log.error("could not record the outcome of delivery {} ({}); it will be retried after its lease", d.id(), outcome, e);
            synchronized (lock) {
                unhold(h.id());
                leaveLane(h);
            }
        } finally {
            sendEnded(h);
        }
    }

    // ---- outcomes --------------------------------------------------------------------------------------------------

    private void handle(Held h, SendOutcome outcome) {
        Instant now = clock.instant();
        Delivery d = h.delivery;
        if (outcome instanceof SendOutcome.Delivered delivered) {
            List<Long> ids = new ArrayList<>(d.messageIds());
            ids.addAll(delivered.messageIds());
            metrics.delivered.increment();
            metrics.latency.record(Duration.between(d.createdAt(), now));
            persist("complete delivery " + d.id(), () -> store.complete(d.id(), config.workerId(), ids, now), done -> {
                if (!done) {
                    log.warn("delivery {} was sent but its lease was lost; another worker may send it again", d.id());
                }
                finishLocally(h);
            });
        } else if (outcome instanceof SendOutcome.RetryAfter retryAfter) {
            metrics.rateLimited.increment();
            LimitScope scope = retryAfter.scope();
            if (config.privateChat429IsGlobal() && !scope.isGlobal() && scope.chatId() > 0) {
                scope = LimitScope.global();
            }
            Duration wait = retryAfter.retryAfter().plus(config.retryAfterMargin());
            // the margin is part of the penalty: every instance sharing the limiter waits as long as this one
            limiter.penalize(scope, wait);
            log.warn("429 for delivery {} in scope {}: waiting {}", d.id(), scope, wait);
            AttemptState state = new AttemptState(d.attempts(), d.chatId(), d.deliveredItems(), d.messageIds(),
                    "429 Too Many Requests: retry after " + retryAfter.retryAfter().toSeconds() + " s", FailureClass.RATE_LIMITED);
            if (scope.isGlobal()) {
                synchronized (lock) {
                    Instant until = now.plus(wait);
                    if (until.isAfter(globalPauseUntil)) {
                        globalPauseUntil = until;
                    }
                    if (until.isAfter(penalizedUntil)) {
                        penalizedUntil = until;
                    }
                }
            }
            if (wait.compareTo(config.maxInlineWait()) > 0) {
                releaseChat(h, state, now.plus(wait));
            } else {
                updateHeld(h, state, now);
                synchronized (lock) {
                    h.waitingUntil = now.plus(wait);
                    h.timer = scheduler.schedule(wait, () -> backToReady(h));
                }
            }
        } else if (outcome instanceof SendOutcome.Transient t) {
            failedAttempt(h, t.reason(), FailureClass.TRANSIENT);
        } else if (outcome instanceof SendOutcome.Ambiguous a) {
            if (d.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP) {
                fail(h, "ambiguous: " + a.reason() + " (policy GIVE_UP: it may or may not have arrived)",
                        FailureClass.AMBIGUOUS, d.attempts() + 1);
            } else {
                failedAttempt(h, a.reason(), FailureClass.AMBIGUOUS);
            }
        } else if (outcome instanceof SendOutcome.Permanent p) {
            if (p.failureClass() == FailureClass.FATAL_CONFIG) {
                halt(h, p.reason(), now);
            } else {
                fail(h, p.reason(), p.failureClass(), d.attempts() + 1);
            }
        } else if (outcome instanceof SendOutcome.Redirect r) {
            redirect(h, r.newChatId(), now);
        } else if (outcome instanceof SendOutcome.PartialAlbum partial) {
            List<Long> ids = new ArrayList<>(d.messageIds());
            ids.addAll(partial.messageIds());
            h.delivery = new Delivery(d.id(), d.request(), d.chatId(), d.status(), d.attempts(),
                    d.deliveredItems() + partial.deliveredItems(), ids, d.lastError(), d.lastErrorClass(),
                    d.createdAt(), now, d.nextAttemptAt(), d.finishedAt(), d.notifiedAt());
            log.info("delivery {}: album stopped after {} item(s); resending the rest", d.id(), partial.deliveredItems());
            handle(h, partial.cause());
        }
    }

    private void failedAttempt(Held h, String reason, FailureClass failureClass) {
        Delivery d = h.delivery;
        int attempts = d.attempts() + 1;
        RetryPolicy policy = config.retryPolicy();
        if (policy.exhausted(attempts)) {
            fail(h, "gave up after " + attempts + " attempts; last error (" + failureClass + "): " + reason,
                    FailureClass.ATTEMPTS_EXHAUSTED, attempts);
            return;
        }
        metrics.retry(failureClass);
        Instant now = clock.instant();
        Duration delay = policy.delayAfter(attempts, random);
        AttemptState state = new AttemptState(attempts, d.chatId(), d.deliveredItems(), d.messageIds(), reason, failureClass);
        if (delay.compareTo(config.maxInlineWait()) > 0) {
            log.info("delivery {} failed attempt {} ({}); next try in {} from the store", d.id(), attempts, reason, delay);
            releaseChat(h, state, now.plus(delay));
            return;
        }
        log.debug("delivery {} failed attempt {} ({}); quick retry in {}", d.id(), attempts, reason, delay);
        if (!updateHeld(h, state, now)) {
            return;
        }
        // the retry does not hold back the chat's later deliveries, except those sharing its ordering key
        synchronized (lock) {
            ChatLane lane = lanes.get(d.chatId());
            if (lane != null && lane.active == h) {
                lane.active = null;
                if (h.orderingKey() != null) {
                    lane.blockedKeys.add(h.orderingKey());
                }
                advance(lane);
            }
            h.waitingUntil = now.plus(delay);
            h.timer = scheduler.schedule(delay, () -> rejoinLane(h));
        }
    }

    /** After a quick-retry wait the delivery goes first in its chat's queue again. */
    private void rejoinLane(Held h) {
        synchronized (lock) {
            h.timer = null;
            h.waitingUntil = null;
            if (h.cancelled || !held.containsKey(h.id())) {
                return;
            }
            ChatLane lane = lanes.computeIfAbsent(h.delivery.chatId(), ChatLane::new);
            if (h.orderingKey() != null) {
                lane.blockedKeys.remove(h.orderingKey());
            }
            lane.queue.addFirst(h);
            advance(lane);
        }
        pump();
    }

    /** Records progress while keeping the lease; false if the lease was lost (the delivery is dropped from memory). */
    private boolean updateHeld(Held h, AttemptState state, Instant now) {
        Delivery d = h.delivery;
        h.delivery = new Delivery(d.id(), d.request(), state.chatId(), DeliveryStatus.IN_FLIGHT, state.attempts(),
                state.deliveredItems(), state.messageIds(), state.lastError(), state.lastErrorClass(), d.createdAt(), now,
                d.nextAttemptAt(), null, null);
        boolean recorded;
        try {
            recorded = store.recordAttempt(d.id(), config.workerId(), state, now);
        } catch (RuntimeException e) {
            // keep it in memory and retry from there; the store learns the progress at the next write
            log.warn("store unavailable, could not record attempt of delivery {} ({}); keeping it in memory", d.id(), e.toString());
            return true;
        }
        if (recorded) {
            return true;
        }
        forgetLostLease(h);
        return false;
    }

    private void redirect(Held h, long newChatId, Instant now) {
        Delivery d = h.delivery;
        h.redirects++;
        if (h.redirects > config.maxRedirects()) {
            fail(h, "chat migrated more than " + config.maxRedirects() + " times (last to " + newChatId + ")",
                    FailureClass.PERMANENT_RECIPIENT, d.attempts());
            return;
        }
        metrics.redirects.increment();
        log.info("delivery {}: chat {} migrated to {}; resending there", d.id(), d.chatId(), newChatId);
        AttemptState state = new AttemptState(d.attempts(), newChatId, d.deliveredItems(), d.messageIds(),
                "chat migrated to " + newChatId, FailureClass.TRANSIENT);
        ChatLane oldLane;
        synchronized (lock) {
            oldLane = lanes.get(d.chatId());
        }
        if (!updateHeld(h, state, now)) {
            return;
        }
        synchronized (lock) {
            if (oldLane != null && oldLane.active == h) {
                oldLane.active = null;
                advance(oldLane);
            }
            ChatLane lane = lanes.computeIfAbsent(newChatId, ChatLane::new);
            lane.queue.addFirst(h);
            advance(lane);
        }
    }

    private void fail(Held h, String reason, FailureClass failureClass, int attempts) {
        Delivery d = h.delivery;
        Instant now = clock.instant();
        AttemptState state = new AttemptState(attempts, d.chatId(), d.deliveredItems(), d.messageIds(), reason, failureClass);
        persist("fail delivery " + d.id(), () -> store.fail(d.id(), config.workerId(), state, now, now.plus(config.leaseLength())), failed -> {
            finishLocally(h);
            if (!failed) {
                log.warn("delivery {} failed but its lease was lost; the new owner decides", d.id());
                return;
            }
            metrics.failed(failureClass);
            log.warn("delivery {} to chat {} FAILED ({}): {}", d.id(), d.chatId(), failureClass, reason);
            scheduler.execute(() -> store.find(d.id()).ifPresent(this::notifyFailed));
        });
    }

    /** Configuration error (bad token): stop sending for a while, keep everything queued, tell the admin once. */
    private void halt(Held h, String reason, Instant now) {
        boolean first;
        synchronized (lock) {
            first = !halted;
            halted = true;
            Instant until = now.plus(config.fatalPause());
            if (until.isAfter(globalPauseUntil)) {
                globalPauseUntil = until;
            }
        }
        log.error("sending halted for {}: {} — fix the bot's configuration; deliveries stay queued", config.fatalPause(), reason);
        Delivery d = h.delivery;
        releaseChat(h, new AttemptState(d.attempts(), d.chatId(), d.deliveredItems(), d.messageIds(), reason,
                FailureClass.FATAL_CONFIG), now.plus(config.fatalPause()));
        if (first) {
            scheduler.execute(() -> {
                try {
                    notifier.sendingHalted(reason);
                } catch (Exception e) {
                    log.warn("could not tell the admin that sending halted", e);
                }
            });
        }
    }

    /** Hands a delivery back to the store, and with it the chat's queue behind it (it would only wait longer). */
    private void releaseChat(Held h, Instant nextAttemptAt) {
        releaseChat(h, AttemptState.of(h.delivery), nextAttemptAt);
    }

    private void releaseChat(Held h, AttemptState state, Instant nextAttemptAt) {
        List<Held> behind = new ArrayList<>();
        synchronized (lock) {
            ChatLane lane = lanes.get(h.delivery.chatId());
            if (lane != null) {
                if (lane.active == h) {
                    lane.active = null;
                }
                behind.addAll(lane.queue);
                lane.queue.clear();
                if (lane.idle()) {
                    lanes.remove(lane.chatId);
                }
            }
        }
        release(h, state, nextAttemptAt);
        for (Held other : behind) {
            if (!other.cancelled) {
                release(other, AttemptState.of(other.delivery), nextAttemptAt);
            }
        }
    }

    private void release(Held h, AttemptState state, Instant nextAttemptAt) {
        synchronized (lock) {
            unhold(h.id());
            if (h.timer != null) {
                h.timer.cancel();
                h.timer = null;
            }
            leaveLane(h);
        }
        Instant now = clock.instant();
        persist("release delivery " + h.id(), () -> store.reschedule(h.id(), config.workerId(), state, nextAttemptAt, now), done -> {
            if (!done) {
                log.warn("delivery {} could not be released: its lease was lost", h.id());
            }
        });
    }

    /**
     * Writes an outcome to the store; if the store is unreachable, keeps trying with backoff (1 s doubling to 30 s)
     * instead of dropping the outcome: a sent delivery whose completion is lost would be sent again.
     */
    private void persist(String what, java.util.function.BooleanSupplier write, java.util.function.Consumer<Boolean> then) {
        persist(what, write, then, Duration.ofSeconds(1));
    }

    private void persist(String what, java.util.function.BooleanSupplier write, java.util.function.Consumer<Boolean> then, Duration backoff) {
        boolean result;
        try {
            result = write.getAsBoolean();
        } catch (RuntimeException e) {
            log.warn("store unavailable, could not {} ({}); retrying in {}", what, e.toString(), backoff);
            Duration next = min(backoff.multipliedBy(2), Duration.ofSeconds(30));
            scheduler.schedule(backoff, () -> persist(what, write, then, next));
            return;
        }
        then.accept(result);
    }

    private void finishLocally(Held h) {
        synchronized (lock) {
            unhold(h.id());
            leaveLane(h);
        }
        try {
            store.find(h.id()).ifPresent(this::completeOutcome);
        } catch (RuntimeException e) {
            log.debug("could not read delivery {} back to complete its future", h.id(), e);
        }
    }

    private void completeOutcome(Delivery d) {
        if (d.status().isFinal()) {
            CompletableFuture<Delivery> f = outcomes.remove(d.id());
            if (f != null) {
                f.complete(d);
            }
        }
    }

    // ---- notifications ---------------------------------------------------------------------------------------------

    /** Alerts the admin about one FAILED delivery this worker holds the notification lease for. */
    private void notifyFailed(Delivery failed) {
        try {
            notifier.deliveryFailed(failed);
        } catch (Exception e) {
            log.warn("admin alert for delivery {} not sent ({}); it will be retried", failed.id(), e.toString());
            return;
        }
        // the alert is out: if the store cannot take the mark now, keep trying, or the alert is owed again and repeated
        Instant sentAt = clock.instant();
        persist("mark delivery " + failed.id() + " notified", () -> store.markNotified(failed.id(), config.workerId(), sentAt),
                marked -> {
                    if (!marked) {
                        log.warn("admin alert for delivery {} sent, but another worker had taken it over; it may be sent twice",
                                failed.id());
                    }
                });
    }

    // ---- the poller ------------------------------------------------------------------------------------------------

    /**
     * Polls the store now instead of at the next interval: e.g. when PostgreSQL's LISTEN/NOTIFY says another instance
     * submitted or released work. Harmless to call often.
     */
    public void wakeUp() {
        wakePoller();
    }

    private void wakePoller() {
        synchronized (lock) {
            if (!started || closing) {
                return;
            }
        }
        scheduler.execute(this::pollOnce);
    }

    private void poll() {
        Duration next = config.pollInterval();
        try {
            boolean more = pollOnce();
            storeBackoff = Duration.ZERO;
            if (more) {
                next = Duration.ZERO;
            }
        } catch (RuntimeException e) {
            storeBackoff = storeBackoff.isZero() ? config.pollInterval() : min(storeBackoff.multipliedBy(2), Duration.ofSeconds(30));
            next = storeBackoff;
            log.warn("store unavailable ({}); deliveries in memory are kept, retrying in {}", e.toString(), next);
        }
        synchronized (lock) {
            if (closing) {
                return;
            }
            pollTimer = scheduler.schedule(next, this::poll);
        }
    }

    /** One round: renew leases, claim due work, send owed notifications. Returns whether a full batch was claimed. */
    private boolean pollOnce() {
        Instant now = clock.instant();
        renewLeasesIfDue(now);
        int room;
        synchronized (lock) {
            if (closing) {
                return false;
            }
            room = Math.min(config.claimBatch(), config.maxBuffered() - heldIn(false));
        }
        boolean full = false;
        if (room > 0) {
            List<Delivery> claimed = store.claimDue(now, room, lease(now));
            full = claimed.size() == room;
            if (!claimed.isEmpty()) {
                adopt(claimed);
            }
        }
        for (Delivery owed : store.claimUnnotified(now, config.claimBatch(), lease(now))) {
            notifyFailed(owed);
        }
        return full;
    }

    private void renewLeasesIfDue(Instant now) {
        List<DeliveryId> ids;
        synchronized (lock) {
            if (Duration.between(lastLeaseRenewal, now).compareTo(config.leaseLength().dividedBy(3)) < 0 || held.isEmpty()) {
                return;
            }
            lastLeaseRenewal = now;
            ids = new ArrayList<>(held.keySet());
        }
        Set<DeliveryId> kept = store.renewLeases(ids, lease(now));
        if (kept.size() == ids.size()) {
            return;
        }
        synchronized (lock) {
            for (DeliveryId id : ids) {
                Held h = held.get(id);
                if (!kept.contains(id) && h != null && !h.sendingNow) {
                    log.warn("delivery {} lost its lease (another worker has it); dropping it here", id);
                    h.cancelled = true;
                    if (h.timer != null) {
                        h.timer.cancel();
                    }
                    releaseSlot(h);
                    unhold(id);
                    ready.remove(h);
                    ChatLane lane = lanes.get(h.delivery.chatId());
                    if (lane != null) {
                        lane.queue.remove(h);
                    }
                    leaveLane(h);
                }
            }
        }
    }

    // ---- shutdown --------------------------------------------------------------------------------------------------

    /**
     * Stops taking work, waits up to {@code shutdownGrace} for sends on the wire, then hands every other held delivery
     * back to the store (due when it would have been), so another instance or the next start picks it up at once.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            if (pollTimer != null) {
                pollTimer.cancel();
            }
            long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
            while (sending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("{} send(s) still on the wire after the grace period; their leases will expire", sending);
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<Held> toRelease = new ArrayList<>();
        synchronized (lock) {
            for (Held h : held.values()) {
                if (!h.sendingNow) {
                    h.cancelled = true;
                    if (h.timer != null) {
                        h.timer.cancel();
                    }
                    toRelease.add(h);
                }
            }
            ready.clear();
        }
        Instant now = clock.instant();
        int released = 0;
        for (Held h : toRelease) {
            Instant due = h.waitingUntil != null ? h.waitingUntil : now;
            try {
                if (store.reschedule(h.id(), config.workerId(), AttemptState.of(h.delivery), due, now)) {
                    released++;
                }
            } catch (RuntimeException e) {
                log.warn("could not release delivery {} ({}); its lease will expire", h.id(), e.toString());
            }
            synchronized (lock) {
                unhold(h.id());
            }
        }
        log.info("delivery engine {} stopped; {} held deliveries handed back to the store", config.workerId(), released);
    }

    /** Deliveries this instance holds right now (for tests and health checks). */
    public int heldCount() {
        synchronized (lock) {
            return held.size();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The two lanes' ready deliveries, and until when the limiter said each lane is full. Guarded by the lock. */
    private static final class ReadyQueues {
        private static final Comparator<Held> ORDER =
                Comparator.<Held>comparingInt(h -> h.delivery.request().priority().rank()).thenComparingLong(h -> h.seq);
        private final PriorityQueue<Held> standard = new PriorityQueue<>(ORDER);
        private final PriorityQueue<Held> paid = new PriorityQueue<>(ORDER);
        private Instant standardFullUntil = Instant.MIN;
        private Instant paidFullUntil = Instant.MIN;

        private static boolean paid(Held h) {
            return h.delivery.request().allowPaidBroadcast();
        }

        void add(Held h) {
            (paid(h) ? paid : standard).add(h);
        }

        boolean remove(Held h) {
            return standard.remove(h) || paid.remove(h);
        }

        void clear() {
            standard.clear();
            paid.clear();
        }

        boolean isEmpty() {
            return standard.isEmpty() && paid.isEmpty();
        }

        void pauseLane(Held h, Instant until) {
            if (paid(h)) {
                paidFullUntil = until.isAfter(paidFullUntil) ? until : paidFullUntil;
            } else {
                standardFullUntil = until.isAfter(standardFullUntil) ? until : standardFullUntil;
            }
        }

        /** The first delivery by priority among the lanes not full at {@code now}, or null. */
        Held poll(Instant now) {
            Held s = now.isBefore(standardFullUntil) ? null : standard.peek();
            Held p = now.isBefore(paidFullUntil) ? null : paid.peek();
            if (s == null && p == null) {
                return null;
            }
            if (p == null || (s != null && ORDER.compare(s, p) <= 0)) {
                return standard.poll();
            }
            return paid.poll();
        }

        /** When a lane with waiting deliveries stops being full, or null if none waits for that. */
        Instant nextUnpause(Instant now) {
            Instant next = null;
            if (!standard.isEmpty() && now.isBefore(standardFullUntil)) {
                next = standardFullUntil;
            }
            if (!paid.isEmpty() && now.isBefore(paidFullUntil) && (next == null || paidFullUntil.isBefore(next))) {
                next = paidFullUntil;
            }
            return next;
        }
    }

    /** Assembles an engine; store, limiter and sender are required. */
    public static final class Builder {
        private RetryStore store;
        private RateLimiter limiter;
        private Sender sender;
        private Notifier notifier = Notifier.none();
        private Clock clock = Clock.systemUTC();
        private TaskScheduler scheduler;
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

        /** Defaults to a {@link ThreadPoolTaskScheduler} with maxConcurrentSends + 2 workers. */
        public Builder scheduler(TaskScheduler v) { this.scheduler = v; return this; }

        public Builder config(EngineConfig v) { this.config = v; return this; }

        public Builder random(RandomGenerator v) { this.random = v; return this; }

        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = v; return this; }

        public DeliveryEngine build() {
            if (scheduler == null) {
                scheduler = new ThreadPoolTaskScheduler(config.maxConcurrentSends() + 2);
            }
            return new DeliveryEngine(this);
        }
    }
}
