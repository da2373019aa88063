package io.botdelivery.engine;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.RetryPolicy;
import io.botdelivery.core.spi.LimitScope;
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
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.ScriptedSender;
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
 * A randomized model test of the engine: seeded random sequences of submit, cancel, redeliver, time moving, a store
 * failing on one method, the limiter failing, every kind of sender outcome, a second engine on the same store, and
 * close, over the reference adapters ({@link InMemoryRetryStore}, {@link LocalRateLimiter}, {@link ScriptedSender},
 * {@link RecordingNotifier}) and a {@link ManualScheduler}. After every step: no chat lane is held by a delivery that
 * ended, a closed engine holds nothing and has no pending future, and no one-second window holds more sends than the
 * global budget. At the end of each run, with the faults healed: every accepted delivery ended, every future of a live
 * engine whose delivery ended is completed, and after close() none is pending and nothing is held.
 *
 * <p>Bounded for {@code mvn verify} ({@value #DEFAULT_STEPS} steps); a longer run: {@code -Dmodel.steps=100000}, and
 * {@code -Dmodel.seed=N} to replay one seed.
 */
@DisplayName("The engine under random operations keeps its invariants")
class EngineModelTest {
    static final int DEFAULT_STEPS = 10_000;
    static final int STEPS_PER_RUN = 150;
    static final String[] STORE_METHODS = {"save", "claimDue", "renewLeases", "complete", "recordAttempt", "reschedule",
            "fail", "cancel", "find", "findAll", "claimUnnotified", "markNotified"};
    static final long[] CHATS = {1001, 1002, 1003, 1004, -2001, -2002};

    @Test
    @DisplayName("random runs of submit, cancel, redeliver, time, store and limiter faults, outcomes, two engines and close")
    void randomRuns() {
        int steps = Integer.getInteger("model.steps", DEFAULT_STEPS);
        Long onlySeed = Long.getLong("model.seed");
        long started = System.nanoTime();
        int done = 0;
        for (long seed = onlySeed != null ? onlySeed : 1; done < steps; seed++) {
            done += new Run(seed).execute(Math.min(STEPS_PER_RUN, steps - done));
            if (onlySeed != null) {
                break;
            }
        }
        System.out.printf("engine model: %d steps in %.1f s%n", done, (System.nanoTime() - started) / 1e9);
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
        final Map<DeliveryId, CompletableFuture<Delivery>> futures = new LinkedHashMap<>();
        final Map<DeliveryId, DeliveryEngine> futureOwner = new LinkedHashMap<>();
        int engineCount;
        int step;

        Run(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.store = faulty(RetryStore.class, memory, (name) -> name.equals(failingStoreMethod.get()),
                    () -> new RetryStoreException("store down (model)", null));
            this.limiter = faulty(RateLimiter.class, new LocalRateLimiter(RateBudgets.telegramDefaults(), clock),
                    name -> limiterDown.get() && !name.equals("globalPause"),
                    () -> new RateLimiterUnavailableException("limiter down (model)", null));
            sender.otherwise(request -> healed.get() ? sender.deliverAll(request) : randomOutcome(request.chatId()));
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
            if (op < 30) {
                submit();
            } else if (op < 38) {
                anyAccepted().ifPresent(id -> guarded(() -> anyLive().cancel(id)));
            } else if (op < 42) {
                anyAccepted().ifPresent(id -> guarded(() -> anyLive().redeliver(id)));
            } else if (op < 70) {
                scheduler.advance(Duration.ofMillis(random.nextInt(5_000)));
            } else if (op < 78) {
                failingStoreMethod.set(random.nextBoolean() ? null : STORE_METHODS[random.nextInt(STORE_METHODS.length)]);
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

        void submit() {
            long chat = CHATS[random.nextInt(CHATS.length)];
            DeliveryRequest.Builder b = DeliveryRequest.builder(chat, Payload.text("m" + step));
            if (random.nextInt(4) == 0) {
                b.orderingKey("order-" + random.nextInt(3));
            }
            if (random.nextInt(3) == 0) {
                b.onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP);
            }
            DeliveryEngine e = anyLive();
            try {
                Submission s = e.submit(b.build());
                futures.put(s.id(), s.outcome().toCompletableFuture());
                futureOwner.put(s.id(), e);
            } catch (RetryStoreException refused) {
                // not accepted: the caller was told
            }
        }

        SendOutcome randomOutcome(long chatId) {
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
                    .fatalPause(Duration.ofSeconds(5)).build();
            live.add(DeliveryEngine.builder().store(store).limiter(limiter).sender(sender).notifier(new RecordingNotifier())
                    .clock(clock).scheduler(scheduler).random(new SplittableRandom(seed * 31 + engineCount)).config(config)
                    .build().start());
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
            for (DeliveryEngine e : live) {
                DeliveryEngine.EngineSnapshot s = e.snapshot();
                assertThat(s.held()).as(where + ": lane holders are held").containsAll(s.laneHolders());
                for (DeliveryId holder : s.laneHolders()) {
                    assertThat(memory.find(holder).orElseThrow().status().isFinal())
                            .as(where + ": chat lane held by ended delivery " + holder).isFalse();
                }
            }
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
        static <T> T faulty(Class<T> port, T target, java.util.function.Predicate<String> failing,
                            java.util.function.Supplier<RuntimeException> fault) {
            return (T) Proxy.newProxyInstance(EngineModelTest.class.getClassLoader(), new Class<?>[] {port}, (p, method, args) -> {
                if (failing.test(method.getName())) {
                    throw fault.get();
                }
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }
    }
}
