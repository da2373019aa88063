package io.botdelivery.engine;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.OutcomeUnavailableException;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.RetryPolicy;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.ScriptedSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** One regression test per lifecycle defect found in review (issue 13); each failed on the single-class engine. */
@DisplayName("The engine's lifecycle defects stay fixed")
class LifecycleDefectsTest {
    static final long USER = 1001;
    static final long OTHER_USER = 1002;

    final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final InMemoryRetryStore store = new InMemoryRetryStore();
    final ScriptedSender sender = new ScriptedSender(clock);
    final TestLimiter limiter = new TestLimiter();
    final List<DeliveryEngine> engines = new ArrayList<>();

    EngineConfig config(String workerId) {
        return EngineConfig.defaults().withWorkerId(workerId).withRetryPolicy(RetryPolicy.defaults().withJitter(0));
    }

    DeliveryEngine engine(RetryStore on, TestLimiter with, EngineConfig config) {
        DeliveryEngine e = DeliveryEngine.builder().store(on).limiter(with).sender(sender).notifier(new RecordingNotifier())
                .clock(clock).scheduler(scheduler).config(config).build().start();
        engines.add(e);
        scheduler.runDue();
        return e;
    }

    /** The test's store, failing every call to {@code methodName} while {@code failing} is set. */
    RetryStore storeFailing(String methodName, AtomicBoolean failing) {
        return (RetryStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RetryStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals(methodName) && failing.get()) {
                        throw new RetryStoreException("store unreachable (scripted)", null);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static DeliveryRequest text(long chatId, String text) {
        return DeliveryRequest.builder(chatId, Payload.text(text)).build();
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(DeliveryEngine::close);
    }

    @Test
    @DisplayName("defect 2: a cancel the store refuses frees the chat lane at once, and is retried until the store takes it")
    void failedCancelDoesNotWedgeTheChat() {
        AtomicBoolean storeDown = new AtomicBoolean();
        DeliveryEngine engine = engine(storeFailing("cancel", storeDown), limiter, config("e1"));
        limiter.script(Reservation.granted(Duration.ofSeconds(10)));
        Submission waiting = engine.submit(text(USER, "waits for its slot"));
        scheduler.runDue();

        storeDown.set(true);
        assertThat(engine.cancel(waiting.id())).as("will not be sent: cancelled here, the store told later").isTrue();
        Submission next = engine.submit(text(USER, "the chat goes on"));
        scheduler.runDue();
        assertThat(sender.callsTo(USER)).as("the lane is free").extracting(c -> ((Payload.Text) c.request().payload()).text())
                .containsExactly("the chat goes on");

        storeDown.set(false);
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(store.find(waiting.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.CANCELLED);
        assertThat(store.find(next.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(waiting.outcome().toCompletableFuture()).isCompletedWithValueMatching(d -> d.status() == DeliveryStatus.CANCELLED);
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(engine.heldCount()).as("nothing left held, so no lease renewed forever").isZero();
        assertThat(sender.callsTo(USER)).hasSize(1);
    }

    @Test
    @DisplayName("a paid broadcast is claimed only up to maxBuffered: the rest waits in the store for any instance")
    void paidBroadcastClaimsStayBounded() {
        DeliveryEngine engine = engine(store, limiter, config("e1").withMaxBuffered(5));
        List<DeliveryRequest> broadcast = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            limiter.script(Reservation.granted(Duration.ofSeconds(30)));
            broadcast.add(DeliveryRequest.builder(10_000 + i, Payload.text("news")).allowPaidBroadcast(true).build());
        }
        engine.submitAll(broadcast);
        scheduler.advance(Duration.ofSeconds(5)); // poll rounds; every held one waits 30 s for its slot

        assertThat(engine.heldCount()).as("held by this instance").isLessThanOrEqualTo(5);
        assertThat(store.count(DeliveryStatus.PENDING)).as("left for whichever instance has room").isGreaterThanOrEqualTo(35);
    }

    @Test
    @DisplayName("a migrated chat whose delivery lost its lease at that moment frees the old chat's lane")
    void leaseLostOnRedirectDoesNotWedgeTheOldChat() {
        long group = -2001;
        AtomicBoolean leaseLost = new AtomicBoolean();
        RetryStore losing = (RetryStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RetryStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("recordAttempt") && leaseLost.get()) {
                        return false;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DeliveryEngine engine = engine(losing, limiter, config("e1"));
        sender.script(group, new SendOutcome.Redirect(group - 1_000_000_000_000L));
        leaseLost.set(true);
        engine.submit(text(group, "migrates"));
        scheduler.runDue();
        leaseLost.set(false);
        engine.submit(text(group, "next"));
        scheduler.runDue();

        assertThat(sender.callsTo(group)).extracting(c -> ((Payload.Text) c.request().payload()).text())
                .as("the old chat's lane is free again").containsExactly("migrates", "next");
        assertThat(engine.snapshot().laneHolders()).as("no lane held by the forgotten delivery").isEmpty();
    }

    @Test
    @DisplayName("defect 3: a future completes when another instance finishes the delivery, and close() completes the rest")
    void futuresCompleteAcrossReplicas() {
        DeliveryEngine a = engine(store, limiter, config("a").withMaxBuffered(1));
        limiter.script(Reservation.granted(Duration.ofSeconds(20)));
        Submission heldByA = a.submit(text(USER, "held by A, waiting for its slot"));
        Submission leftToB = a.submit(text(OTHER_USER, "no room in A"));
        scheduler.runDue();
        assertThat(store.find(leftToB.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);

        engine(store, limiter, config("b"));
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(store.find(leftToB.id()).orElseThrow().status()).as("B delivered it").isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(leftToB.outcome().toCompletableFuture()).as("A's future learned it from the store")
                .isCompletedWithValueMatching(d -> d.status() == DeliveryStatus.DELIVERED);

        CompletableFuture<Delivery> pending = heldByA.outcome().toCompletableFuture();
        assertThat(pending).isNotDone();
        a.close();
        assertThat(pending).as("close() leaves no caller hanging").isCompletedExceptionally();
        assertThat(pending.handle((d, e) -> e instanceof java.util.concurrent.CompletionException ? e.getCause() : e)).isCompletedWithValueMatching(
                e -> e instanceof OutcomeUnavailableException u && u.lastKnown().orElseThrow().status() == DeliveryStatus.PENDING);
        assertThat(a.snapshot().pendingOutcomes()).isZero();
    }

    @Test
    @DisplayName("defect 4: close() ends every thread an engine built with the default scheduler started")
    void closeEndsTheThreadsItCreated() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 3; i++) {
            DeliveryEngine e = DeliveryEngine.builder().store(new InMemoryRetryStore()).limiter(new TestLimiter())
                    .sender(new ScriptedSender(Clock.systemUTC())).config(config("threads-" + i)).build().start();
            e.submit(text(USER, "hello"));
            e.close();
        }
        List<Thread> created = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("delivery-")).collect(Collectors.toList());
        for (Thread t : created) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
        assertThat(created).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
    }

    @Test
    @DisplayName("defect 5: a limiter failing to record a 429 pause neither drops the delivery nor keeps this instance sending")
    void penalizeFailureIsGuarded() {
        TestLimiter broken = new TestLimiter() {
            @Override
            public synchronized void penalize(LimitScope scope, Duration duration) {
                throw new IllegalStateException("Redis unreachable (scripted)");
            }
        };
        DeliveryEngine engine = engine(store, broken, config("e1"));
        sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(3), LimitScope.chat(USER)));
        Instant start = clock.instant();
        Submission s = engine.submit(text(USER, "first"));
        scheduler.runDue();
        Submission other = engine.submit(text(OTHER_USER, "second"));
        scheduler.runDue();

        assertThat(engine.heldCount()).as("still held, not dropped until its lease ends").isEqualTo(2);
        assertThat(sender.callsTo(OTHER_USER)).as("this instance honours the ban itself").isEmpty();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(store.find(s.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(store.find(other.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(sender.callsTo(OTHER_USER)).singleElement()
                .satisfies(c -> assertThat(c.at()).isAfterOrEqualTo(start.plusSeconds(4)));
    }

    @Test
    @DisplayName("defect 6: concurrent submitters cannot together pass maxBuffered")
    void maxBufferedHoldsUnderConcurrency() throws Exception {
        CyclicBarrier bothInSave = new CyclicBarrier(2);
        RetryStore slowSave = (RetryStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RetryStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("save")) {
                        // both submitters have passed the room check before either save returns
                        bothInSave.await(5, TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DeliveryEngine engine = engine(slowSave, limiter, config("e1").withMaxBuffered(1));
        CompletableFuture<Submission> first = CompletableFuture.supplyAsync(() -> engine.submit(text(USER, "one")));
        CompletableFuture<Submission> second = CompletableFuture.supplyAsync(() -> engine.submit(text(OTHER_USER, "two")));
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);

        assertThat(engine.heldCount()).isEqualTo(1);
        assertThat(store.count(DeliveryStatus.IN_FLIGHT)).isEqualTo(1);
        assertThat(store.count(DeliveryStatus.PENDING)).isEqualTo(1);
    }
}
