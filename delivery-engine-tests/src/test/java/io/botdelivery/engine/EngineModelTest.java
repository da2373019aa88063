package io.botdelivery.engine;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.ChatOrder;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.RetryPolicy;
import io.botdelivery.core.TaskScheduler;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.ScriptedSender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A randomized model test of the engine: seeded random sequences of submit, batches (submitAll), cancel, redeliver, time moving, a store
 * failing on one method, the limiter failing, every kind of sender outcome, a second engine on the same store, and
 * close, over the reference adapters ({@link InMemoryRetryStore}, {@link LocalRateLimiter}, {@link ScriptedSender},
 * a {@link ModelNotifier} that takes up to {@link Notifier#MAX_BLOCKING} per call) and a {@link ManualScheduler}.
 * Each engine of a run takes its {@link ChatOrder} at random, and a third of the requests go to the paid-broadcast lane.
 * After every step: no chat lane is held by a delivery that ended, or by one this engine was asked to cancel while it
 * held it; a chat lane is held by one delivery at most (per chat under {@link ChatOrder#SUBMISSION}, per chat and budget
 * lane under {@link ChatOrder#PAID_FIRST}); a cancelled delivery is let go once the store takes cancels again; the notifier never ran on a send worker
 * or the poller (it blocks the thread it runs on), and no reserved send slot is missed (the scheduler runs every timer
 * on time, so a missed slot means a thread was busy elsewhere); every engine holding deliveries tries to renew their
 * leases well within a lease; a closed engine holds nothing and has no pending future; and no one-second window holds more sends
 * than the global budget. At the end of each run, with the faults healed: every accepted delivery ended, every future
 * of a live engine whose delivery ended is completed, and after close() none is pending and nothing is held.
 *
 * <p>Bounded for {@code mvn verify} ({@value #DEFAULT_STEPS} steps); a longer run: {@code -Dmodel.steps=100000}, and
 * {@code -Dmodel.seed=N} to replay one seed.
 */
@DisplayName("The engine under random operations keeps its invariants")
class EngineModelTest {
    static final int DEFAULT_STEPS = 10_000;
    static final int STEPS_PER_RUN = 150;
    static final String[] STORE_METHODS = {"save", "saveAll", "claimDue", "renewLeases", "complete", "completeAll", "recordAttempt", "recordAttemptAll", "reschedule",
            "fail", "cancel", "find", "findAll", "findFinal", "claimUnnotified", "markNotified"};
    static final long[] CHATS = {1001, 1002, 1003, 1004, -2001, -2002};
    /** The engine's default lease, which the model does not change. */
    static final Duration LEASE = EngineConfig.defaults().leaseLength();

    @Test
    @DisplayName("random runs of submit, cancel, redeliver, time, store and limiter faults, outcomes, two engines and close")
    void randomRuns() {
        int steps = Integer.getInteger("model.steps", DEFAULT_STEPS);
        Long onlySeed = Long.getLong("model.seed");
        long started = System.nanoTime();
        int done = 0;
        int heldCancels = 0;
        int alerts = 0;
        int overtakes = 0;
        for (long seed = onlySeed != null ? onlySeed : 1; done < steps; seed++) {
            Run run = new Run(seed);
            done += run.execute(Math.min(STEPS_PER_RUN, steps - done));
            heldCancels += run.heldCancels;
            alerts += run.notifier.calls;
            overtakes += run.paidNextToStandard;
            if (onlySeed != null) {
                break;
            }
        }
        // the counts show the cancel, alert and lane invariants had something to check
        System.out.printf("engine model: %d steps in %.1f s; %d cancels of held deliveries, %d notifier calls, %d steps "
                        + "with a chat's paid and standard lanes both held (PAID_FIRST)%n", done,
                (System.nanoTime() - started) / 1e9, heldCancels, alerts, overtakes);
    }

    /** One seeded run. */
    static final class Run {
        final long seed;
        final SplittableRandom random;
        final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
        final ManualScheduler scheduler = new ManualScheduler(clock);
        final InMemoryRetryStore memory = new InMemoryRetryStore();
        final AtomicReference<String> failingStoreMethod = new AtomicReference<>();
        final AtomicBoolean limiterDown = new AtomicBoolean();
        final AtomicBoolean healed = new AtomicBoolean();
        final ScriptedSender sender = new ScriptedSender(clock);
        final RetryStore store;
        final RateLimiter limiter;
        final List<DeliveryEngine> live = new ArrayList<>();
        final List<DeliveryEngine> closed = new ArrayList<>();
        final Map<DeliveryEngine, SimpleMeterRegistry> meters = new LinkedHashMap<>();
        final Map<DeliveryId, CompletableFuture<Delivery>> futures = new LinkedHashMap<>();
        final Map<DeliveryId, DeliveryEngine> futureOwner = new LinkedHashMap<>();
        final AlertThread alertThread = new AlertThread();
        final ModelNotifier notifier = new ModelNotifier();
        /** Deliveries an engine held when it was asked to cancel them, and when: they must leave its lanes at once. */
        final Map<Cancelled, Instant> cancelledWhileHeld = new LinkedHashMap<>();
        /** When the store last stopped refusing cancel (it refuses while failingStoreMethod is "cancel"). */
        Instant cancelHealedAt = Instant.MIN;
        /** Per worker: when it last called renewLeases (whatever the store answered). */
        final Map<String, Instant> lastRenewal = new LinkedHashMap<>();
        /** Per worker: since when it has held deliveries without a break seen by the checks. */
        final Map<String, Instant> holdingSince = new LinkedHashMap<>();
        /** Deliveries the sender redirected to another chat: the store may not know their chat yet (a failed write). */
        final Set<DeliveryId> redirected = new HashSet<>();
        int engineCount;
        int heldCancels;
        /** Steps after which a PAID_FIRST engine held a chat's paid lane and its standard lane at once. */
        int paidNextToStandard;
        int step;

        Run(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.store = faulty(RetryStore.class, memory, (name, args) -> {
                if (name.equals("renewLeases")) {
                    lastRenewal.put(((Lease) args[1]).owner(), clock.instant());
                }
                return name.equals(failingStoreMethod.get());
            }, () -> new RetryStoreException("store down (model)", null));
            this.limiter = faulty(RateLimiter.class, new LocalRateLimiter(RateBudgets.telegramDefaults(), clock),
                    (name, args) -> limiterDown.get() && !name.equals("globalPause"),
                    () -> new RateLimiterUnavailableException("limiter down (model)", null));
            sender.otherwise(request -> healed.get() ? sender.deliverAll(request) : randomOutcome(request));
        }

        int execute(int steps) {
            startEngine();
            for (step = 0; step < steps; step++) {
                operate();
                checkAlways();
            }
            settle();
            return steps;
        }

        void operate() {
            int op = random.nextInt(100);
            if (op < 24) {
                submit();
            } else if (op < 30) {
                submitAll();
            } else if (op < 38) {
                anyAccepted().ifPresent(this::cancel);
            } else if (op < 42) {
                anyAccepted().ifPresent(id -> guarded(() -> anyLive().redeliver(id)));
            } else if (op < 70) {
                scheduler.advance(Duration.ofMillis(random.nextInt(5_000)));
            } else if (op < 78) {
                String was = failingStoreMethod.getAndSet(
                        random.nextBoolean() ? null : STORE_METHODS[random.nextInt(STORE_METHODS.length)]);
                if ("cancel".equals(was) && !"cancel".equals(failingStoreMethod.get())) {
                    cancelHealedAt = clock.instant();
                }
            } else if (op < 83) {
                limiterDown.set(random.nextInt(3) == 0);
            } else if (op < 88) {
                anyAccepted().ifPresent(id -> guarded(() -> anyLive().find(id)));
            } else if (op < 94) {
                if (live.size() < 2) {
                    startEngine();
                }
            } else {
                DeliveryEngine e = anyLive();
                close(e);
                if (live.isEmpty()) {
                    startEngine();
                }
            }
            scheduler.runDue();
        }

        /** A batch of 1 to 5 random requests, now and then one repeated inside it (same idempotency key). */
        void submitAll() {
            List<DeliveryRequest> batch = new ArrayList<>();
            int size = 1 + random.nextInt(5);
            for (int i = 0; i < size; i++) {
                batch.add(randomRequest(i));
            }
            if (random.nextInt(4) == 0) {
                batch.add(batch.get(random.nextInt(batch.size())));
            }
            DeliveryEngine e = anyLive();
            try {
                for (Submission s : e.submitAll(batch)) {
                    futures.putIfAbsent(s.id(), s.outcome().toCompletableFuture());
                    futureOwner.putIfAbsent(s.id(), e);
                }
            } catch (RetryStoreException refused) {
                // not accepted: the caller was told
            }
        }

        DeliveryRequest randomRequest(int index) {
            return randomRequest("m" + step + "." + index);
        }

        /** To a random chat; now and then with an ordering key, policy GIVE_UP, in the paid-broadcast lane. */
        DeliveryRequest randomRequest(String text) {
            long chat = CHATS[random.nextInt(CHATS.length)];
            DeliveryRequest.Builder b = DeliveryRequest.builder(chat, Payload.text(text));
            if (random.nextInt(4) == 0) {
                b.orderingKey("order-" + random.nextInt(3));
            }
            if (random.nextInt(3) == 0) {
                b.onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP);
            }
            if (random.nextInt(3) == 0) {
                b.allowPaidBroadcast(true);
            }
            return b.build();
        }

        void submit() {
            DeliveryRequest request = randomRequest("m" + step);
            DeliveryEngine e = anyLive();
            try {
                Submission s = e.submit(request);
                futures.put(s.id(), s.outcome().toCompletableFuture());
                futureOwner.put(s.id(), e);
            } catch (RetryStoreException refused) {
                // not accepted: the caller was told
            }
        }

        /**
         * Cancels {@code id} on the engine holding it half the time (the path where a failing store could wedge a chat),
         * otherwise on any live engine; remembers a cancel of a held delivery that did not refuse (true, or thrown).
         */
        void cancel(DeliveryId id) {
            DeliveryEngine e = anyLive();
            if (random.nextBoolean()) {
                for (DeliveryEngine other : live) {
                    if (other.snapshot().held().contains(id)) {
                        e = other;
                    }
                }
            }
            boolean heldBefore = e.snapshot().held().contains(id);
            boolean refused;
            try {
                refused = !e.cancel(id);
            } catch (RetryStoreException reported) {
                refused = false;
            }
            if (heldBefore && !refused) {
                heldCancels++;
                cancelledWhileHeld.put(new Cancelled(e, id), clock.instant());
            }
        }

        SendOutcome randomOutcome(io.botdelivery.core.spi.SendRequest request) {
            long chatId = request.chatId();
            int o = random.nextInt(100);
            if (o < 55) {
                return new SendOutcome.Delivered(List.of(1L));
            } else if (o < 67) {
                return new SendOutcome.Transient("502 (model)");
            } else if (o < 75) {
                return new SendOutcome.Ambiguous("reset (model)");
            } else if (o < 82) {
                return new SendOutcome.Permanent("blocked (model)", FailureClass.PERMANENT_RECIPIENT);
            } else if (o < 92) {
                return new SendOutcome.RetryAfter(Duration.ofSeconds(1 + random.nextInt(3)), LimitScope.chat(chatId));
            } else if (o < 96 && chatId < 0) {
                redirected.add(request.deliveryId());
                return new SendOutcome.Redirect(chatId - 1_000_000_000_000L);
            } else if (o < 97) {
                return new SendOutcome.Permanent("401 Unauthorized (model)", FailureClass.FATAL_CONFIG);
            }
            return new SendOutcome.Delivered(List.of(2L));
        }

        void startEngine() {
            EngineConfig config = EngineConfig.builder().workerId("model-" + seed + "-" + (++engineCount))
                    .retryPolicy(RetryPolicy.defaults().withJitter(0.2).withMaxAttempts(4))
                    .maxBuffered(1 + random.nextInt(4)).maxConcurrentSends(1 + random.nextInt(3))
                    .chatOrder(random.nextBoolean() ? ChatOrder.SUBMISSION : ChatOrder.PAID_FIRST)
                    .fatalPause(Duration.ofSeconds(5)).build();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DeliveryEngine e = DeliveryEngine.builder().store(store).limiter(limiter).sender(sender).notifier(notifier)
                    .clock(clock).scheduler(scheduler).alertScheduler(alertThread).random(new SplittableRandom(seed * 31 + engineCount)).config(config)
                    .meterRegistry(registry).build().start();
            meters.put(e, registry);
            live.add(e);
        }

        void close(DeliveryEngine e) {
            live.remove(e);
            e.close();
            closed.add(e);
        }

        DeliveryEngine anyLive() {
            return live.get(random.nextInt(live.size()));
        }

        java.util.Optional<DeliveryId> anyAccepted() {
            if (futures.isEmpty()) {
                return java.util.Optional.empty();
            }
            List<DeliveryId> ids = new ArrayList<>(futures.keySet());
            return java.util.Optional.of(ids.get(random.nextInt(ids.size())));
        }

        void guarded(Runnable call) {
            try {
                call.run();
            } catch (RetryStoreException reported) {
                // the store was down and the caller learns it
            }
        }

        /** Invariants that hold after every step, faults or not. */
        void checkAlways() {
            String where = "seed " + seed + ", step " + step;
            Instant now = clock.instant();
            assertThat(notifier.offItsExecutor).as(where + ": the notifier ran on a send worker or the poller").isEmpty();
            for (DeliveryEngine e : live) {
                DeliveryEngine.EngineSnapshot s = e.snapshot();
                assertThat(s.held()).as(where + ": lane holders are held").containsAll(s.laneHolders());
                for (DeliveryId holder : s.laneHolders()) {
                    assertThat(memory.find(holder).orElseThrow().status().isFinal())
                            .as(where + ": chat lane held by ended delivery " + holder).isFalse();
                }
                checkOneHolderPerLane(e, s, where);
                // the scheduler runs every timer on time, so a slot is missed only when a task held the clock: a thread
                // the engine sends from was busy with something else (an alert) when the slot came
                assertThat(meters.get(e).counter("delivery.late_slots").count()).as(where + ": reserved send slots "
                        + e.config().workerId() + " missed").isZero();
                String worker = e.config().workerId();
                if (s.held().isEmpty()) {
                    holdingSince.remove(worker);
                } else {
                    // renewal happens in the poll round (every lease/3, the round at most 30 s late while the store
                    // fails): a gap of a whole lease means something else had the poller's time
                    Instant since = holdingSince.computeIfAbsent(worker, w -> now);
                    Instant last = lastRenewal.getOrDefault(worker, Instant.MIN);
                    Instant from = last.isAfter(since) ? last : since;
                    assertThat(Duration.between(from, now)).as(where + ": " + worker + " holds " + s.held().size()
                            + " deliveries and last tried to renew their leases at " + last).isLessThan(LEASE);
                }
            }
            cancelledWhileHeld.entrySet().removeIf(c -> !live.contains(c.getKey().engine())
                    || !c.getKey().engine().snapshot().held().contains(c.getKey().id()));
            cancelledWhileHeld.forEach((c, at) -> {
                assertThat(c.engine().snapshot().laneHolders()).as(where + ": chat lane held by " + c.id()
                        + ", cancelled at " + at).doesNotContain(c.id());
                if (!"cancel".equals(failingStoreMethod.get())) {
                    Instant storeTakesCancels = at.isAfter(cancelHealedAt) ? at : cancelHealedAt;
                    // the cancel is retried with backoff of at most 30 s; beyond that the lease is renewed for nothing
                    assertThat(Duration.between(storeTakesCancels, now)).as(where + ": " + c.id() + " cancelled at " + at
                            + " is still held (its lease renewed) though the store takes cancels since "
                            + storeTakesCancels).isLessThan(Duration.ofSeconds(40));
                }
            });
            for (DeliveryEngine e : closed) {
                assertThat(e.heldCount()).as(where + ": a closed engine holds nothing").isZero();
                assertThat(e.snapshot().pendingOutcomes()).as(where + ": a closed engine has no pending future").isZero();
            }
            futureOwner.forEach((id, owner) -> {
                if (closed.contains(owner)) {
                    assertThat(futures.get(id)).as(where + ": future of " + id + " after close").isDone();
                }
            });
            List<Instant> sends = sender.calls().stream().map(ScriptedSender.Call::at).sorted().toList();
            for (int i = 0, j = 0; i < sends.size(); i++) {
                while (!sends.get(j).plusSeconds(1).isAfter(sends.get(i))) {
                    j++;
                }
                assertThat(i - j + 1).as(where + ": sends in one second (global budget 30)").isLessThanOrEqualTo(30);
            }
        }

        /**
         * A chat lane has one holder at most: per chat under SUBMISSION, per chat and budget lane under PAID_FIRST. The
         * chat is the store's, so deliveries that were redirected are left out (after a failed write the store may
         * still name the old chat).
         */
        void checkOneHolderPerLane(DeliveryEngine e, DeliveryEngine.EngineSnapshot s, String where) {
            ChatOrder order = e.config().chatOrder();
            Map<String, DeliveryId> lanes = new LinkedHashMap<>();
            Set<Long> paidHeld = new HashSet<>();
            Set<Long> standardHeld = new HashSet<>();
            for (DeliveryId holder : s.laneHolders()) {
                if (redirected.contains(holder)) {
                    continue;
                }
                Delivery d = memory.find(holder).orElseThrow();
                boolean paid = d.request().allowPaidBroadcast();
                (paid ? paidHeld : standardHeld).add(d.chatId());
                String lane = order == ChatOrder.PAID_FIRST ? d.chatId() + (paid ? "/paid" : "/standard") : "" + d.chatId();
                DeliveryId other = lanes.put(lane, holder);
                assertThat(other).as(where + ": " + e.config().workerId() + " (" + order + ") holds chat lane " + lane
                        + " twice: " + other + " and " + holder).isNull();
            }
            paidHeld.retainAll(standardHeld);
            if (!paidHeld.isEmpty()) {
                assertThat(order).as(where + ": chats " + paidHeld + " hold two lanes").isEqualTo(ChatOrder.PAID_FIRST);
                paidNextToStandard++;
            }
        }

        /** Heals every fault, lets everything end, then checks what must hold at rest, and closes. */
        void settle() {
            failingStoreMethod.set(null);
            limiterDown.set(false);
            healed.set(true);
            String where = "seed " + seed + " at rest";
            Set<DeliveryId> unfinished = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                scheduler.advance(Duration.ofMinutes(2));
                unfinished.clear();
                futures.keySet().forEach(id -> {
                    if (!memory.find(id).orElseThrow().status().isFinal()) {
                        unfinished.add(id);
                    }
                });
                if (unfinished.isEmpty()) {
                    break;
                }
            }
            assertThat(unfinished).as(where + ": every accepted delivery ended (none wedged)").isEmpty();
            scheduler.advance(Duration.ofSeconds(5));
            futures.forEach((id, f) -> {
                if (live.contains(futureOwner.get(id))) {
                    assertThat(f).as(where + ": future of " + id + ", ended as " + memory.find(id).orElseThrow().status())
                            .isDone();
                }
            });
            new ArrayList<>(live).forEach(this::close);
            for (DeliveryEngine e : closed) {
                assertThat(e.heldCount()).as(where).isZero();
                assertThat(e.snapshot().pendingOutcomes()).as(where).isZero();
            }
            assertThat(futures.values()).as(where + ": no future pending after close").allMatch(CompletableFuture::isDone);
        }

        @SuppressWarnings("unchecked")
        static <T> T faulty(Class<T> port, T target, java.util.function.BiPredicate<String, Object[]> failing,
                            java.util.function.Supplier<RuntimeException> fault) {
            return (T) Proxy.newProxyInstance(EngineModelTest.class.getClassLoader(), new Class<?>[] {port}, (p, method, args) -> {
                if (failing.test(method.getName(), args)) {
                    throw fault.get();
                }
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }

        /** A delivery {@code engine} held when it was asked to cancel it. */
        record Cancelled(DeliveryEngine engine, DeliveryId id) {
        }

        /**
         * The engine's alert executor: a thread of its own, modelled over the run's scheduler. A notifier call on it keeps
         * it busy for the call's length (later alert tasks wait) without holding back anything else.
         */
        final class AlertThread implements TaskScheduler {
            boolean running;
            Instant busyUntil = Instant.MIN;

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                AtomicBoolean calledOff = new AtomicBoolean();
                scheduler.schedule(delay, () -> runWhenFree(task, calledOff));
                return () -> calledOff.set(true);
            }

            private void runWhenFree(Runnable task, AtomicBoolean calledOff) {
                Instant now = clock.instant();
                if (calledOff.get()) {
                    return;
                }
                if (now.isBefore(busyUntil)) {
                    scheduler.schedule(Duration.between(now, busyUntil), () -> runWhenFree(task, calledOff));
                    return;
                }
                running = true;
                try {
                    task.run();
                } finally {
                    running = false;
                }
            }

            void block(Duration d) {
                Instant now = clock.instant();
                busyUntil = (busyUntil.isAfter(now) ? busyUntil : now).plus(d);
            }
        }

        /**
         * A notifier that takes up to {@link Notifier#MAX_BLOCKING} per call, like one waiting for the admin chat's slot,
         * and fails one call in five. On the alert executor that only delays other alerts; anywhere else it is a send
         * worker or the poller stuck for that long, which the model records and plays out by stopping everything on the
         * single-threaded scheduler (the clock moves on without running anything).
         */
        final class ModelNotifier implements Notifier {
            final List<String> offItsExecutor = new ArrayList<>();
            int calls;

            @Override
            public void deliveryFailed(Delivery failed) throws Exception {
                call("deliveryFailed(" + failed.id() + ")");
                if (random.nextInt(5) == 0) {
                    throw new Exception("admin chat unreachable (model)");
                }
            }

            @Override
            public void sendingHalted(String reason) {
                call("sendingHalted");
            }

            private void call(String what) {
                calls++;
                Duration takes = Duration.ofMillis(random.nextLong(MAX_BLOCKING.toMillis() + 1));
                if (alertThread.running) {
                    alertThread.block(takes);
                } else {
                    offItsExecutor.add(what + " at " + clock.instant());
                    clock.advance(takes);
                }
            }
        }
    }
}
