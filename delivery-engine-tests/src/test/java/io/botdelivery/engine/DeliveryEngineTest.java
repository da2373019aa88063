package io.botdelivery.engine;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Submission;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.RetryPolicy;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.ScriptedSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The delivery engine")
class DeliveryEngineTest {

    static final long USER = 1001;
    static final long OTHER_USER = 1002;
    static final long GROUP = -2001;

    final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final InMemoryRetryStore store = new InMemoryRetryStore();
    final ScriptedSender sender = new ScriptedSender(clock);
    final RecordingNotifier notifier = new RecordingNotifier();
    final TestLimiter limiter = new TestLimiter();
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    final List<DeliveryEngine> engines = new ArrayList<>();
    DeliveryEngine engine;
    Instant start;

    EngineConfig config(String workerId) {
        return EngineConfig.defaults().withWorkerId(workerId).withRetryPolicy(RetryPolicy.defaults().withJitter(0));
    }

    DeliveryEngine newEngine(EngineConfig config) {
        return newEngine(config, limiter);
    }

    DeliveryEngine newEngine(EngineConfig config, io.botdelivery.core.spi.RateLimiter rateLimiter) {
        DeliveryEngine e = DeliveryEngine.builder().store(store).limiter(rateLimiter).sender(sender).notifier(notifier)
                .meterRegistry(meters).clock(clock).scheduler(scheduler).config(config).build().start();
        engines.add(e);
        return e;
    }

    /** The test's store, with {@code before} run ahead of every call to {@code methodName}: it may throw, or move the clock. */
    io.botdelivery.core.spi.RetryStore storeWith(String methodName, Runnable before) {
        return (io.botdelivery.core.spi.RetryStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {io.botdelivery.core.spi.RetryStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals(methodName)) {
                        before.run();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Closes the test's engine and starts another, as {@link #config} configures it, on {@code otherStore}. */
    void restartOn(io.botdelivery.core.spi.RetryStore otherStore, String workerId) {
        engine.close();
        engine = DeliveryEngine.builder().store(otherStore).limiter(limiter).sender(sender).notifier(notifier).clock(clock)
                .scheduler(scheduler).config(config(workerId)).build().start();
        engines.add(engine);
    }

    @BeforeEach
    void startEngine() {
        engine = newEngine(config("engine-1"));
        start = clock.instant();
        scheduler.runDue();
    }

    @AfterEach
    void stopEngines() {
        engines.forEach(DeliveryEngine::close);
    }

    /**
     * Lets the engine have {@code answers} answered sends (to chats of their own), so its cold start's slow start
     * allows {@code answers + 1} deliveries between reservation and outcome: for tests of several held at once.
     */
    void warmUp(int answers) {
        for (int i = 0; i < answers; i++) {
            submitText(9_900 + i, "warm-up");
            scheduler.runDue();
        }
        assertThat(store.count(DeliveryStatus.DELIVERED)).isEqualTo(answers);
    }

    Submission submitText(long chatId, String text) {
        Submission s = engine.submit(DeliveryRequest.builder(chatId, Payload.text(text)).build());
        scheduler.runDue();
        return s;
    }

    Delivery stored(DeliveryId id) {
        return store.find(id).orElseThrow();
    }

    List<Long> secondsOfCallsTo(long chatId) {
        return sender.callsTo(chatId).stream().map(c -> Duration.between(start, c.at()).toSeconds()).toList();
    }

    List<String> textsSentTo(long chatId) {
        return sender.callsTo(chatId).stream().map(c -> ((Payload.Text) c.request().payload()).text()).toList();
    }

    @Nested
    @DisplayName("accepting deliveries")
    class Accepting {
        @Test
        @DisplayName("a submitted delivery is stored, sent at once and completed with Telegram's message ids")
        void deliversAtOnce() {
            Submission s = submitText(USER, "thanks for your order");

            Delivery d = stored(s.id());
            assertThat(s.created()).isTrue();
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.messageIds()).hasSize(1);
            assertThat(d.attempts()).isZero();
            assertThat(sender.callCount()).isEqualTo(1);
            assertThat(s.outcome().toCompletableFuture()).isCompletedWithValueMatching(x -> x.status() == DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("submitting the same idempotency key twice creates one delivery and sends once")
        void idempotentSubmit() {
            DeliveryRequest request = DeliveryRequest.builder(USER, Payload.text("your pack")).idempotencyKey("charge-42").build();
            Submission first = engine.submit(request);
            Submission second = engine.submit(request);
            scheduler.runDue();
            Submission third = engine.submit(request);

            assertThat(second.created()).isFalse();
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(third.id()).isEqualTo(first.id());
            assertThat(third.outcome().toCompletableFuture()).isCompleted();
            assertThat(sender.callCount()).isEqualTo(1);
            assertThat(store.summary().total()).isEqualTo(1);
        }

        @Test
        @DisplayName("an album reserves its item count from the limiter")
        void albumWeight() {
            engine.submit(DeliveryRequest.builder(USER, Payload.album("pack", Payload.photo(MediaSource.fileId("a")),
                    Payload.photo(MediaSource.fileId("b")), Payload.video(MediaSource.fileId("c")))).build());
            scheduler.runDue();

            assertThat(limiter.reservations).singleElement().satisfies(r -> {
                assertThat(r.weight()).isEqualTo(3);
                assertThat(r.chatId()).isEqualTo(USER);
            });
        }

        @Test
        @DisplayName("beyond maxBuffered, deliveries wait in the store and the poller brings them in")
        void bufferOverflowGoesThroughTheStore() {
            engine.close();
            engine = newEngine(config("engine-small").withMaxBuffered(2).withMaxConcurrentSends(1));
            scheduler.runDue();
            List<Submission> subs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                subs.add(engine.submit(DeliveryRequest.builder(3000 + i, Payload.text("n" + i)).build()));
            }
            scheduler.advanceUntil(() -> store.count(DeliveryStatus.DELIVERED) == 5, Duration.ofSeconds(1), Duration.ofSeconds(30));

            assertThat(sender.callCount()).isEqualTo(5);
        }
    }

    @Test
    @DisplayName("a buffer full of standard-lane deliveries still takes a fresh paid broadcast into memory")
    void paidLaneHasItsOwnBuffer() {
        engine.close();
        engine = newEngine(config("engine-small-buffer").withMaxBuffered(2));
        scheduler.runDue();
        warmUp(2);
        limiter.script(Reservation.granted(Duration.ofSeconds(10)), Reservation.granted(Duration.ofSeconds(10)));
        submitText(3001, "standard 1");
        submitText(3002, "standard 2");
        Submission third = submitText(3003, "standard 3");
        assertThat(stored(third.id()).status()).as("no room in the standard lane's buffer").isEqualTo(DeliveryStatus.PENDING);
        assertThat(engine.heldCount()).isEqualTo(2);

        Submission paid = engine.submit(DeliveryRequest.builder(3004, Payload.text("paid")).allowPaidBroadcast(true).build());
        scheduler.runDue();

        assertThat(sender.callsTo(3004)).as("sent at once, not parked behind the standard backlog").hasSize(1);
        assertThat(stored(paid.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(sender.callsTo(3003)).isEmpty();
    }

    @Nested
    @DisplayName("accepting a batch (submitAll)")
    class AcceptingBatches {
        DeliveryRequest text(long chatId, String text) {
            return DeliveryRequest.builder(chatId, Payload.text(text)).idempotencyKey("batch:" + chatId + ":" + text).build();
        }

        @Test
        @DisplayName("a batch is stored, answered in the order given, and sent; per chat in that order")
        void deliversTheBatch() {
            List<DeliveryRequest> batch = List.of(text(USER, "m1"), text(OTHER_USER, "o1"), text(USER, "m2"),
                    text(GROUP, "g1"), text(USER, "m3"));

            List<Submission> subs = engine.submitAll(batch);
            scheduler.advanceUntil(() -> store.count(DeliveryStatus.DELIVERED) == 5, Duration.ofMillis(100), Duration.ofSeconds(30));

            assertThat(subs).extracting(Submission::created).containsOnly(true);
            assertThat(subs).extracting(s -> stored(s.id()).request()).containsExactlyElementsOf(batch);
            assertThat(textsSentTo(USER)).containsExactly("m1", "m2", "m3");
            assertThat(subs).allSatisfy(s -> assertThat(s.outcome().toCompletableFuture())
                    .isCompletedWithValueMatching(d -> d.status() == DeliveryStatus.DELIVERED));
            assertThat(sender.callCount()).isEqualTo(5);
        }

        @Test
        @DisplayName("a null request rejects the whole batch, naming its index, and nothing is stored")
        void nullRejectsTheBatch() {
            List<DeliveryRequest> batch = java.util.Arrays.asList(text(USER, "a"), text(USER, "b"), null, text(USER, "c"));

            assertThatThrownBy(() -> engine.submitAll(batch))
                    .isInstanceOf(io.botdelivery.api.InvalidDeliveryException.class)
                    .hasMessageContaining("requests[2]");
            assertThat(store.summary().total()).isZero();
            assertThat(engine.submitAll(List.of())).isEmpty();
        }

        @Test
        @DisplayName("a key known before or repeated inside the batch answers the stored delivery and is sent once")
        void idempotentBatch() {
            Submission before = engine.submit(text(USER, "paid pack"));
            scheduler.runDue();

            List<Submission> subs = engine.submitAll(List.of(text(USER, "paid pack"), text(OTHER_USER, "news"),
                    text(OTHER_USER, "news")));
            scheduler.advanceUntil(() -> store.count(DeliveryStatus.DELIVERED) == 2, Duration.ofMillis(100), Duration.ofSeconds(30));

            assertThat(subs).extracting(Submission::created).containsExactly(false, true, false);
            assertThat(subs.get(0).id()).isEqualTo(before.id());
            assertThat(subs.get(2).id()).isEqualTo(subs.get(1).id());
            assertThat(subs.get(0).outcome().toCompletableFuture()).isCompleted();
            assertThat(sender.callCount()).isEqualTo(2);
            assertThat(store.summary().total()).isEqualTo(2);
        }

        @Test
        @DisplayName("a batch larger than maxBuffered is held a buffer at a time; the rest waits in the store")
        void batchRespectsMaxBuffered() {
            engine.close();
            engine = newEngine(config("engine-small").withMaxBuffered(3).withMaxConcurrentSends(1));
            scheduler.runDue();
            limiter.script(Reservation.granted(Duration.ofSeconds(10)), Reservation.granted(Duration.ofSeconds(10)),
                    Reservation.granted(Duration.ofSeconds(10)));
            List<DeliveryRequest> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(text(4000 + i, "n" + i));
            }

            engine.submitAll(batch);
            scheduler.runDue();

            assertThat(engine.heldCount()).isEqualTo(3);
            assertThat(store.count(DeliveryStatus.PENDING)).isEqualTo(7);
            scheduler.advanceUntil(() -> store.count(DeliveryStatus.DELIVERED) == 10, Duration.ofMillis(500), Duration.ofSeconds(60));
            assertThat(sender.calls()).extracting(c -> c.request().chatId())
                    .as("claimed in the order given").containsExactly(4000L, 4001L, 4002L, 4003L, 4004L, 4005L, 4006L,
                            4007L, 4008L, 4009L);
        }

        @Test
        @DisplayName("once close() has begun a batch is refused and nothing is stored")
        void refusedWhenClosed() {
            engine.close();

            assertThatThrownBy(() -> engine.submitAll(List.of(text(USER, "late")))).isInstanceOf(IllegalStateException.class);
            assertThat(store.summary().total()).isZero();
        }
    }

    @Nested
    @DisplayName("per-chat order")
    class Order {
        @Test
        @DisplayName("deliveries to one chat are sent in submission order")
        void fifoPerChat() {
            for (int i = 1; i <= 4; i++) {
                engine.submit(DeliveryRequest.builder(USER, Payload.text("m" + i)).build());
            }
            scheduler.runDue();

            assertThat(textsSentTo(USER)).containsExactly("m1", "m2", "m3", "m4");
        }

        @Test
        @DisplayName("a delivery waiting for a retry does not hold back later ones to the same chat")
        void retryDoesNotBlockChat() {
            sender.script(USER, new SendOutcome.Transient("502 Bad Gateway"));
            engine.submit(DeliveryRequest.builder(USER, Payload.text("m1")).build());
            engine.submit(DeliveryRequest.builder(USER, Payload.text("m2")).build());
            scheduler.runDue();
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(textsSentTo(USER)).containsExactly("m1", "m2", "m1");
        }

        @Test
        @DisplayName("except deliveries sharing its ordering key, which wait for it")
        void orderingKeyKeepsOrder() {
            sender.script(USER, new SendOutcome.Transient("502 Bad Gateway"));
            engine.submit(DeliveryRequest.builder(USER, Payload.text("album")).orderingKey("order-7").build());
            engine.submit(DeliveryRequest.builder(USER, Payload.text("receipt")).orderingKey("order-7").build());
            engine.submit(DeliveryRequest.builder(USER, Payload.text("newsletter")).build());
            scheduler.runDue();
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(textsSentTo(USER)).containsExactly("album", "newsletter", "album", "receipt");
        }
    }

    @Nested
    @DisplayName("outcomes")
    class Outcomes {
        /** The test's store, recording how many ids each read of deliveries ({@code find}, {@code findAll}, {@code findFinal}) asked about. */
        io.botdelivery.core.spi.RetryStore storeRecordingReads(List<String> reads) {
            return (io.botdelivery.core.spi.RetryStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {io.botdelivery.core.spi.RetryStore.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "find" -> reads.add("find 1");
                            case "findAll", "findFinal" -> reads.add(method.getName() + " " + ((java.util.Collection<?>) args[0]).size());
                            default -> { }
                        }
                        try {
                            return method.invoke(store, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Test
        @DisplayName("deliveries ending together are read back for their callers in one findFinal, and their futures complete")
        void endedDeliveriesAreReadBackTogether() {
            List<String> reads = java.util.Collections.synchronizedList(new ArrayList<>());
            restartOn(storeRecordingReads(reads), "engine-read-backs");
            warmUp(3);
            reads.clear();
            List<Submission> submitted = new ArrayList<>();
            for (long chat = 3001; chat <= 3003; chat++) {
                submitted.add(engine.submit(DeliveryRequest.builder(chat, Payload.text("news")).build()));
            }
            scheduler.runDue();

            assertThat(submitted).allSatisfy(s -> assertThat(s.outcome()).isCompletedWithValueMatching(
                    d -> d.status() == DeliveryStatus.DELIVERED && d.id().equals(s.id())));
            assertThat(reads).as("one read for the three, not a find each").containsExactly("findFinal 3");
        }

        @Test
        @DisplayName("a delivery that ends where no caller waits for it (another instance submitted it) is not read back")
        void deliveryWithoutCallerIsNotReadBack() {
            List<String> reads = java.util.Collections.synchronizedList(new ArrayList<>());
            restartOn(storeRecordingReads(reads), "engine-no-caller");
            Instant now = clock.instant();
            Delivery elsewhere = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(USER, Payload.text("from another instance")).build(), now);
            store.save(elsewhere, null);
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(stored(elsewhere.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(reads).isEmpty();
        }
        @Test
        @DisplayName("429 pauses the scope for retry_after plus the margin, for every instance, and does not count an attempt")
        void retryAfter() {
            sender.script(GROUP, new SendOutcome.RetryAfter(Duration.ofSeconds(5), LimitScope.chat(GROUP)));
            Submission s = submitText(GROUP, "hi");
            submitText(OTHER_USER, "other chats go on");

            assertThat(limiter.penalties).containsExactly(new TestLimiter.Penalty(LimitScope.chat(GROUP), Duration.ofSeconds(6)));
            assertThat(sender.callsTo(OTHER_USER)).hasSize(1);
            scheduler.advance(Duration.ofMillis(5999));
            assertThat(sender.callsTo(GROUP)).hasSize(1);
            scheduler.advance(Duration.ofMillis(1));
            assertThat(secondsOfCallsTo(GROUP)).containsExactly(0L, 6L);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(stored(s.id()).attempts()).isZero();
        }

        @Test
        @DisplayName("a group's 429 while the bot is paused for another instance's 429 pauses the whole bot: it may be that ban's, lengthened")
        void group429DuringBotWidePauseIsGlobal() {
            // another instance took a bot-wide 429; a slot granted at once is sent without asking again
            limiter.globalPause = Duration.ofSeconds(2);
            sender.script(GROUP, new SendOutcome.RetryAfter(Duration.ofSeconds(5), LimitScope.chat(GROUP)));
            submitText(GROUP, "hi");

            assertThat(limiter.penalties).containsExactly(new TestLimiter.Penalty(LimitScope.global(), Duration.ofSeconds(6)));
        }

        @Test
        @DisplayName("an album's 429 while the bot is paused for a 429 pauses the whole bot")
        void album429DuringBotWidePauseIsGlobal() {
            limiter.globalPause = Duration.ofSeconds(2);
            Payload.Album album = Payload.album(null, Payload.photo(MediaSource.fileId("a")), Payload.photo(MediaSource.fileId("b")));
            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(7), LimitScope.chat(USER)));
            engine.submit(DeliveryRequest.builder(USER, album).build());
            scheduler.runDue();

            assertThat(limiter.penalties).containsExactly(new TestLimiter.Penalty(LimitScope.global(), Duration.ofSeconds(8)));
        }

        @Test
        @DisplayName("an album's 429 with no bot-wide pause pauses only its chat (it may be the chat's own budget)")
        void album429PausesItsChat() {
            Payload.Album album = Payload.album(null, Payload.photo(MediaSource.fileId("a")), Payload.photo(MediaSource.fileId("b")));
            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(7), LimitScope.chat(USER)));
            engine.submit(DeliveryRequest.builder(USER, album).build());
            scheduler.runDue();

            assertThat(limiter.penalties).containsExactly(new TestLimiter.Penalty(LimitScope.chat(USER), Duration.ofSeconds(8)));
        }

        @Test
        @DisplayName("a 429 for a private chat pauses every send: within 1 msg/s per chat it can only be the bot-wide budget")
        void privateChat429IsGlobal() {
            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(2), LimitScope.chat(USER)));
            submitText(USER, "first");
            submitText(OTHER_USER, "second");

            assertThat(limiter.penalties).containsExactly(new TestLimiter.Penalty(LimitScope.global(), Duration.ofSeconds(3)));
            assertThat(sender.callsTo(OTHER_USER)).isEmpty();
            scheduler.advance(Duration.ofSeconds(3));
            assertThat(secondsOfCallsTo(OTHER_USER)).containsExactly(3L);
        }

        @Test
        @DisplayName("after a bot-wide 429, a send whose slot was granted before it waits out the pause instead of going")
        void ownGlobal429HoldsGrantedSlots() {
            warmUp(1);
            limiter.script(Reservation.granted(Duration.ofMillis(200)), Reservation.granted(Duration.ofMillis(500)));
            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(3), LimitScope.global()));
            submitText(USER, "first");
            Submission second = submitText(OTHER_USER, "second");

            scheduler.advance(Duration.ofSeconds(1));
            assertThat(sender.callsTo(USER)).hasSize(1);
            assertThat(sender.callsTo(OTHER_USER)).as("its slot at 0.5 s fell inside the pause").isEmpty();
            scheduler.advance(Duration.ofSeconds(4));

            assertThat(secondsOfCallsTo(OTHER_USER)).containsExactly(4L);
            assertThat(stored(second.id()).attempts()).isZero();
            assertThat(meters.counter("delivery.paused_slots").count()).isEqualTo(1.0);
        }

        @Test
        @DisplayName("a slot granted before another instance's bot-wide 429 is given up: the send waits out the shared pause")
        void pauseTakenElsewhereHoldsGrantedSlots() {
            limiter.script(Reservation.granted(Duration.ofSeconds(1)));
            Submission s = submitText(USER, "hi");
            // another instance was answered 429 meanwhile and paused the shared limiter for 3 s
            limiter.globalPause = Duration.ofSeconds(3);

            scheduler.advance(Duration.ofSeconds(1));
            assertThat(sender.callsTo(USER)).isEmpty();
            limiter.globalPause = Duration.ZERO;
            scheduler.advance(Duration.ofSeconds(3));

            assertThat(secondsOfCallsTo(USER)).containsExactly(4L);
            assertThat(stored(s.id()).attempts()).isZero();
        }

        @Test
        @DisplayName("a slot granted at once goes without asking the limiter about a pause: the grant already did")
        void immediateGrantIsNotCheckedAgain() {
            limiter.globalPause = Duration.ofSeconds(3);

            submitText(USER, "hi");

            assertThat(sender.callsTo(USER)).hasSize(1);
        }

        @Test
        @DisplayName("a full standard lane holds back standard sends only: the paid-broadcast lane goes on")
        void fullStandardLaneDoesNotHoldPaidLane() {
            limiter.script(Reservation.denied(Duration.ofSeconds(5), LimitScope.global()));
            submitText(USER, "standard, lane full");
            submitText(OTHER_USER, "standard, waits for the lane");
            engine.submit(DeliveryRequest.builder(GROUP, Payload.text("paid")).allowPaidBroadcast(true).build());
            scheduler.runDue();

            assertThat(sender.callsTo(GROUP)).as("the paid lane is not full").hasSize(1);
            assertThat(sender.callsTo(USER)).isEmpty();
            assertThat(sender.callsTo(OTHER_USER)).isEmpty();
            scheduler.advance(Duration.ofSeconds(5));
            assertThat(secondsOfCallsTo(USER)).containsExactly(5L);
            assertThat(secondsOfCallsTo(OTHER_USER)).containsExactly(5L);
        }

        @Test
        @DisplayName("a global 429 holds back every chat, not only the one that got it")
        void globalRetryAfter() {
            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(3), LimitScope.global()));
            submitText(USER, "first");
            submitText(OTHER_USER, "second");

            assertThat(sender.callsTo(OTHER_USER)).isEmpty();
            scheduler.advance(Duration.ofSeconds(4));
            assertThat(secondsOfCallsTo(OTHER_USER)).containsExactly(4L);
        }

        @Test
        @DisplayName("a 429 longer than maxInlineWait hands the delivery back to the store")
        void longRetryAfterGoesToStore() {
            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(120), LimitScope.chat(USER)));
            Submission s = submitText(USER, "hi");

            Delivery waiting = stored(s.id());
            assertThat(waiting.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(waiting.nextAttemptAt()).isEqualTo(start.plusSeconds(121));
            assertThat(waiting.lastErrorClass()).isEqualTo(FailureClass.RATE_LIMITED);
            assertThat(engine.heldCount()).isZero();
            scheduler.advance(Duration.ofSeconds(122));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("transient errors are retried quickly after 1, 2, 4, 8 and 16 s")
        void quickRetries() {
            SendOutcome.Transient t = new SendOutcome.Transient("500 Internal Server Error");
            sender.script(USER, t, t, t, t, t);
            Submission s = submitText(USER, "hi");
            scheduler.advance(Duration.ofSeconds(40));

            assertThat(secondsOfCallsTo(USER)).containsExactly(0L, 1L, 3L, 7L, 15L, 31L);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(stored(s.id()).attempts()).isEqualTo(5);
        }

        @Test
        @DisplayName("after the quick retries, the slow schedule (5, 10 min…) goes through the store")
        void slowSchedule() {
            SendOutcome.Transient t = new SendOutcome.Transient("connection refused");
            sender.script(USER, t, t, t, t, t, t, t);
            Submission s = submitText(USER, "hi");
            scheduler.advance(Duration.ofSeconds(32));

            Delivery parked = stored(s.id());
            assertThat(parked.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(parked.attempts()).isEqualTo(6);
            assertThat(parked.nextAttemptAt()).isEqualTo(start.plusSeconds(31 + 300));
            assertThat(engine.heldCount()).isZero();

            scheduler.advance(Duration.ofMinutes(20));
            assertThat(secondsOfCallsTo(USER)).containsExactly(0L, 1L, 3L, 7L, 15L, 31L, 331L, 931L);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("after maxAttempts failed attempts the delivery FAILED, and the admin is told once")
        void maxAttempts() {
            sender.otherwise(r -> new SendOutcome.Transient("503 Service Unavailable"));
            Submission s = submitText(USER, "hi");
            scheduler.advanceUntil(() -> stored(s.id()).status() == DeliveryStatus.FAILED, Duration.ofMinutes(1), Duration.ofHours(3));
            scheduler.advance(Duration.ofHours(2));

            Delivery failed = stored(s.id());
            assertThat(sender.callCount()).isEqualTo(10);
            assertThat(failed.attempts()).isEqualTo(10);
            assertThat(failed.lastErrorClass()).isEqualTo(FailureClass.ATTEMPTS_EXHAUSTED);
            assertThat(failed.lastError()).contains("503 Service Unavailable");
            assertThat(notifier.alertsFor(s.id())).isEqualTo(1);
            assertThat(failed.notifiedAt()).isNotNull();
            assertThat(s.outcome().toCompletableFuture()).isCompletedWithValueMatching(d -> d.status() == DeliveryStatus.FAILED);
        }

        @Test
        @DisplayName("an ambiguous outcome is retried under policy RETRY")
        void ambiguousRetry() {
            sender.script(USER, new SendOutcome.Ambiguous("read timed out after the request was written"));
            Submission s = submitText(USER, "hi");
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(sender.callCount()).isEqualTo(2);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("an ambiguous outcome under policy GIVE_UP is FAILED as ambiguous, never resent")
        void ambiguousGiveUp() {
            sender.script(USER, new SendOutcome.Ambiguous("connection reset after the request was written"));
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.runDue();
            scheduler.advance(Duration.ofMinutes(30));

            assertThat(sender.callCount()).isEqualTo(1);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(stored(s.id()).lastErrorClass()).isEqualTo(FailureClass.AMBIGUOUS);
            assertThat(notifier.alertsFor(s.id())).isEqualTo(1);
        }

        @Test
        @DisplayName("a permanent error fails at once with its reason and one admin alert")
        void permanent() {
            sender.script(USER, new SendOutcome.Permanent("Forbidden: bot was blocked by the user", FailureClass.PERMANENT_RECIPIENT));
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("pack")).businessReference("order-77").build());
            scheduler.runDue();
            scheduler.advance(Duration.ofMinutes(10));

            Delivery failed = stored(s.id());
            assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(failed.lastError()).isEqualTo("Forbidden: bot was blocked by the user");
            assertThat(failed.lastErrorClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT);
            assertThat(sender.callCount()).isEqualTo(1);
            assertThat(notifier.alerts()).singleElement().satisfies(a -> {
                assertThat(a.id()).isEqualTo(s.id());
                assertThat(a.request().businessReference()).isEqualTo("order-77");
            });
        }

        @Test
        @DisplayName("a migrated group is followed: the delivery is resent to the new chat id at once")
        void redirect() {
            long supergroup = -1001234567890L;
            sender.script(GROUP, new SendOutcome.Redirect(supergroup));
            Submission s = submitText(GROUP, "hello group");

            assertThat(sender.calls()).extracting(c -> c.request().chatId()).containsExactly(GROUP, supergroup);
            Delivery d = stored(s.id());
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.chatId()).isEqualTo(supergroup);
            assertThat(d.attempts()).isZero();
        }

        @Test
        @DisplayName("a partial album resends only the items that did not arrive")
        void partialAlbum() {
            Payload.Album album = Payload.album("pack", Payload.photo(MediaSource.fileId("p1")), Payload.photo(MediaSource.fileId("p2")),
                    Payload.photo(MediaSource.fileId("p3")), Payload.video(MediaSource.fileId("v4")));
            sender.script(USER, new SendOutcome.PartialAlbum(2, List.of(501L, 502L), new SendOutcome.Transient("500")));
            Submission s = engine.submit(DeliveryRequest.builder(USER, album).build());
            scheduler.runDue();
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(sender.calls()).hasSize(2);
            Payload resent = sender.calls().get(1).request().payload();
            assertThat(resent).isEqualTo(new Payload.Album(album.items().subList(2, 4)));
            Delivery d = stored(s.id());
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.deliveredItems()).isEqualTo(2);
            assertThat(d.messageIds()).hasSize(4).startsWith(501L, 502L);
        }

        @Test
        @DisplayName("a partial album with one item left resends that item alone")
        void partialAlbumLastItem() {
            Payload.Album album = Payload.album(null, Payload.document(MediaSource.fileId("d1")), Payload.document(MediaSource.fileId("d2")));
            sender.script(USER, new SendOutcome.PartialAlbum(1, List.of(9L),
                    new SendOutcome.RetryAfter(Duration.ofSeconds(2), LimitScope.chat(USER))));
            engine.submit(DeliveryRequest.builder(USER, album).build());
            scheduler.runDue();
            scheduler.advance(Duration.ofSeconds(3));

            assertThat(sender.calls().get(1).request().payload()).isEqualTo(album.items().get(1));
        }

        @Test
        @DisplayName("a bad token halts sending, keeps the delivery queued and tells the admin once")
        void fatalConfig() {
            sender.script(USER, new SendOutcome.Permanent("Unauthorized", FailureClass.FATAL_CONFIG));
            Submission s = submitText(USER, "hi");
            submitText(OTHER_USER, "other");

            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(notifier.halts()).containsExactly("Unauthorized");
            assertThat(notifier.alerts()).isEmpty();
            assertThat(sender.callsTo(OTHER_USER)).as("nothing is sent during the pause").isEmpty();
            scheduler.advance(Duration.ofSeconds(62));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(sender.callsTo(OTHER_USER)).hasSize(1);
        }
    }

    @Nested
    @DisplayName("waiting for the limiter")
    class Waiting {
        @Test
        @DisplayName("a granted slot in the future is waited for on a timer, then sent")
        void waitsForSlot() {
            limiter.script(Reservation.granted(Duration.ofMillis(700)));
            submitText(USER, "hi");
            assertThat(sender.callCount()).isZero();

            scheduler.advance(Duration.ofMillis(700));
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(700)));
        }

        @Test
        @DisplayName("cancelling a delivery that waits for its slot frees its place for the next one")
        void cancelWhileWaitingForSlot() {
            engine.close();
            engine = newEngine(config("engine-one-at-a-time").withMaxConcurrentSends(1));
            scheduler.runDue();
            limiter.script(Reservation.granted(Duration.ofSeconds(10)));
            Submission waiting = submitText(USER, "slow");
            Submission next = submitText(OTHER_USER, "next");
            assertThat(sender.callCount()).isZero();

            assertThat(engine.cancel(waiting.id())).isTrue();
            scheduler.runDue();
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.request().chatId()).isEqualTo(OTHER_USER));
            assertThat(stored(next.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a slot missed by more than lateSendTolerance (a stalled machine) is reserved again, not sent late")
        void lateSlotIsReservedAgain() {
            limiter.script(Reservation.granted(Duration.ofMillis(100)));
            submitText(USER, "hi");
            clock.advance(Duration.ofMillis(300));
            scheduler.runDue();

            assertThat(limiter.reservations).hasSize(2);
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(300)));
        }

        @Test
        @DisplayName("a slot counts from the limiter's answer: time the engine takes before it books the slot (a wait for its lock) makes the send late, not the slot later")
        void slotCountsFromTheLimitersAnswer() {
            engine.close();
            StallingClock stalling = new StallingClock(clock);
            engine = DeliveryEngine.builder().store(store).limiter(limiter).sender(sender).notifier(notifier).clock(stalling)
                    .scheduler(scheduler).config(config("engine-stalled")).build().start();
            engines.add(engine);
            scheduler.runDue();
            // the second clock reading after the answer moves 300 ms on: the first is the answer's time, the second
            // the engine's, once it holds its lock (on a loaded host, a lock wait of that order was measured)
            limiter.beforeAnswer = () -> {
                limiter.beforeAnswer = null;
                stalling.jumpAtRead(2, Duration.ofMillis(300));
            };
            limiter.script(Reservation.granted(Duration.ofMillis(100)));
            submitText(USER, "hi");
            scheduler.runDue();

            assertThat(limiter.reservations).as("the slot (100 ms after the answer) had passed: reserved again").hasSize(2);
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(300)));
        }

        @Test
        @DisplayName("a grant's delay counts from the limiter's answer, however long the answer took (the port's rule: a remote limiter subtracts its answer's way back)")
        void grantDelayCountsFromTheAnswer() {
            limiter.givesGrantsBack = true;
            limiter.script(Reservation.granted(Duration.ofMillis(100), 42));
            limiter.beforeAnswer = () -> clock.advance(Duration.ofMillis(300));
            submitText(USER, "hi");
            scheduler.runDue();
            limiter.beforeAnswer = null;
            clock.advance(Duration.ofMillis(100));
            scheduler.runDue();

            assertThat(limiter.released).isEmpty();
            assertThat(limiter.reservations).hasSize(1);
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(400)));
        }

        @Test
        @DisplayName("a missed slot's grant is given back to the limiter (that very grant, for its request) before asking again; a slot sent in time is not")
        void missedSlotIsGivenBack() {
            Reservation.Granted missedGrant = Reservation.granted(Duration.ofMillis(100), 42);
            limiter.script(missedGrant, Reservation.granted(Duration.ZERO, 43));
            submitText(USER, "hi");
            clock.advance(Duration.ofMillis(300));
            scheduler.runDue();

            assertThat(sender.calls()).hasSize(1);
            assertThat(limiter.released).as("the missed grant, not the one that was sent").singleElement()
                    .satisfies(g -> assertThat(g).isSameAs(missedGrant));
            assertThat(limiter.releasedRequests).singleElement().isEqualTo(limiter.reservations.get(0));
        }

        @Test
        @DisplayName("a missed slot the limiter gave back is asked for again with the usual horizon: its chat's window no longer holds it")
        void missedSlotGivenBackAsksAsUsual() {
            limiter.givesGrantsBack = true;
            limiter.script(Reservation.granted(Duration.ofMillis(100), 42), Reservation.granted(Duration.ofMillis(20), 43));
            Submission missed = submitText(USER, "missed");
            clock.advance(Duration.ofMillis(300));
            scheduler.runDue();

            assertThat(limiter.horizons).as("the usual horizon both times, no short one")
                    .containsExactly(EngineConfig.defaults().reserveHorizon(), EngineConfig.defaults().reserveHorizon());
            clock.advance(Duration.ofMillis(20));
            scheduler.runDue();
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(320)));
            assertThat(stored(missed.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a limiter that fails to take a missed slot back costs only the wait: the delivery is reserved again and sent")
        void failedGiveBackStillDelivers() {
            limiter.releaseFailure = new RateLimiterUnavailableException("Redis away", null);
            limiter.script(Reservation.granted(Duration.ofMillis(100), 42));
            Submission missed = submitText(USER, "hi");
            clock.advance(Duration.ofMillis(300));
            scheduler.runDue();

            assertThat(limiter.reservations).hasSize(2);
            assertThat(stored(missed.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a delivery that missed its slot asks again with a short horizon: refused for its chat's window, it waits without its place, other chats go meanwhile")
        void missedSlotWaitsWithoutItsPlace() {
            engine.close();
            engine = newEngine(config("engine-one-at-a-time").withMaxConcurrentSends(1));
            scheduler.runDue();
            limiter.script(Reservation.granted(Duration.ofMillis(100)),
                    Reservation.denied(Duration.ofMillis(900), LimitScope.chat(USER)));
            Submission missed = submitText(USER, "missed");
            clock.advance(Duration.ofMillis(300));
            Submission other = submitText(OTHER_USER, "meanwhile");
            scheduler.runDue();

            assertThat(limiter.horizons).as("the usual horizon, then a short one after the miss")
                    .startsWith(EngineConfig.defaults().reserveHorizon(), Duration.ofMillis(100));
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.request().chatId()).isEqualTo(OTHER_USER));
            assertThat(stored(other.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            clock.advance(Duration.ofMillis(900));
            scheduler.runDue();
            assertThat(sender.calls()).hasSize(2);
            assertThat(sender.calls().get(1).at()).isEqualTo(start.plusMillis(1200));
            assertThat(stored(missed.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a delivery that missed its slot and finds its lane booked beyond the short horizon reserves as usual: the lane is not paused")
        void missedSlotOnABookedLaneReservesAsUsual() {
            limiter.script(Reservation.granted(Duration.ofMillis(100)),
                    Reservation.denied(Duration.ofMillis(50), LimitScope.global()),
                    Reservation.granted(Duration.ofMillis(150)));
            Submission missed = submitText(USER, "missed");
            clock.advance(Duration.ofMillis(300));
            scheduler.runDue();

            assertThat(limiter.horizons).as("the usual horizon, the short one, then at once the usual one again")
                    .containsExactly(EngineConfig.defaults().reserveHorizon(), Duration.ofMillis(100),
                            EngineConfig.defaults().reserveHorizon());
            clock.advance(Duration.ofMillis(150));
            scheduler.runDue();
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at())
                    .as("at the slot booked right away, not after a lane pause").isEqualTo(start.plusMillis(450)));
            assertThat(stored(missed.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a GIVE_UP send whose store mark took longer than lateSendTolerance reserves again instead of leaving late")
        void slowSendStartedMarkReservesAgain() {
            java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
            restartOn(storeWith("recordAttemptAll", () -> {
                if (stalled.compareAndSet(false, true)) {
                    clock.advance(Duration.ofSeconds(3));   // a store restart: the write hangs, then succeeds
                }
            }), "engine-slow-store");
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.runDue();

            assertThat(stalled).isTrue();
            assertThat(limiter.reservations).as("the stale slot is given up and a new one reserved").hasSize(2);
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusSeconds(3)));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("the metrics show where a slot was missed: slot lateness tagged by whether the checks ended after the slot, and the preparation lead")
        void preparationShowsInTheMetrics() {
            engine.close();
            io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            engine = DeliveryEngine.builder().store(storeWith("recordAttemptAll", () -> clock.advance(Duration.ofMillis(30))))
                    .limiter(limiter).sender(sender).notifier(notifier).meterRegistry(registry).clock(clock).scheduler(scheduler)
                    .config(config("engine-slow-mark")).build().start();
            engines.add(engine);
            scheduler.runDue();
            limiter.script(Reservation.granted(Duration.ofMillis(500)), Reservation.granted(Duration.ofMillis(500)));
            engine.submit(DeliveryRequest.builder(USER, Payload.text("hi")).onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(sender.calls()).hasSize(1);
            // first: no lead yet, the 30 ms mark ended after the slot (missed); then, 90 ms ahead, it ended before it
            io.micrometer.core.instrument.Timer late = registry.get("delivery.slot.lateness").tag("prepared", "after-slot").timer();
            assertThat(late.count()).isEqualTo(1);
            assertThat(late.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(30.0);
            assertThat(registry.get("delivery.slot.lateness").tag("prepared", "before-slot").timer().count()).isEqualTo(1);
            // preparations of 30 ms, then 0 (the mark kept from the missed slot): a mean of 26.25 ms plus four deviations
            // of 18.75 ms, over the 100 ms cap
            assertThat(registry.get("delivery.sends.preparation_lead").gauge().value()).isEqualTo(0.1);
        }

        @Test
        @DisplayName("the checks before a send start ahead of its slot by what they took: a GIVE_UP mark slower than lateSendTolerance makes only the first send miss its slot")
        void slowSendStartedMarkIsWrittenAheadOfTheSlot() {
            restartOn(storeWith("recordAttemptAll", () -> clock.advance(Duration.ofMillis(30))), "engine-slow-mark");
            limiter.script(Reservation.granted(Duration.ofMillis(500)), Reservation.granted(Duration.ofMillis(500)),
                    Reservation.granted(Duration.ofMillis(500)));
            Submission first = engine.submit(DeliveryRequest.builder(USER, Payload.text("first"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofSeconds(2));
            assertThat(limiter.reservations).as("no lead yet: the first mark (30 ms) made it miss its slot once").hasSize(2);
            Instant firstSlot = sender.calls().get(0).at();

            Instant asked = clock.instant();
            Submission second = engine.submit(DeliveryRequest.builder(OTHER_USER, Payload.text("second"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(limiter.reservations).as("the second mark was written ahead of its slot").hasSize(3);
            assertThat(sender.calls()).hasSize(2);
            assertThat(sender.calls().get(1).at()).as("sent at its slot, not before").isEqualTo(asked.plusMillis(500));
            assertThat(firstSlot).as("the first, after its miss, also exactly at its new slot")
                    .isEqualTo(start.plusMillis(530 + 500));
            assertThat(stored(first.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(stored(second.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a store slower than lateSendTolerance on every GIVE_UP mark: the send that missed its slot goes at the next without writing the mark again")
        void slowMarkOnEverySendIsWrittenOnce() {
            java.util.concurrent.atomic.AtomicInteger marks = new java.util.concurrent.atomic.AtomicInteger();
            restartOn(storeWith("recordAttemptAll", () -> {
                marks.incrementAndGet();
                clock.advance(Duration.ofMillis(30));
            }), "engine-always-slow-mark");
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofSeconds(5));

            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(30)));
            assertThat(marks).as("one mark for the one send").hasValue(1);
            assertThat(limiter.reservations).as("the slot granted at once was missed by the mark's 30 ms").hasSize(2);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a GIVE_UP send retried after a transient failure writes its mark again: the failure's record cleared it")
        void retryAfterTransientFailureWritesTheMarkAgain() {
            java.util.concurrent.atomic.AtomicInteger marks = new java.util.concurrent.atomic.AtomicInteger();
            restartOn(storeWith("recordAttemptAll", marks::incrementAndGet), "engine-mark-per-send");
            sender.script(USER, new SendOutcome.Transient("502 Bad Gateway"));
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofSeconds(5));

            assertThat(sender.calls()).hasSize(2);
            assertThat(marks).as("one mark per send").hasValue(2);
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a send prepared ahead of its slot is not sent at it if a bot-wide 429 reached this instance meanwhile")
        void botWide429BetweenPreparationAndSlotHoldsTheSend() {
            restartOn(storeWith("recordAttemptAll", () -> clock.advance(Duration.ofMillis(30))), "engine-429-after-prep");
            limiter.script(Reservation.granted(Duration.ofMillis(500)), Reservation.granted(Duration.ofMillis(500)));
            engine.submit(DeliveryRequest.builder(GROUP, Payload.text("warm-up: measures the lead"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofSeconds(2));
            assertThat(sender.calls()).hasSize(1);

            sender.script(USER, new SendOutcome.RetryAfter(Duration.ofSeconds(3), LimitScope.global()));
            limiter.script(Reservation.granted(Duration.ofMillis(450)), Reservation.granted(Duration.ofMillis(500)));
            Instant asked = clock.instant();
            engine.submit(DeliveryRequest.builder(USER, Payload.text("draws a 429")).onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            engine.submit(DeliveryRequest.builder(OTHER_USER, Payload.text("prepared before it")).onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.advance(Duration.ofMillis(600));

            assertThat(sender.calls()).as("the 429'd send only; the other, prepared before the 429, was not sent at its slot")
                    .hasSize(2).last().satisfies(c -> assertThat(c.request().chatId()).isEqualTo(USER));
            scheduler.advance(Duration.ofSeconds(10));
            assertThat(sender.callsTo(OTHER_USER)).singleElement().satisfies(c -> assertThat(c.at())
                    .as("after the pause").isAfterOrEqualTo(asked.plusMillis(3450)));
        }

        @Test
        @DisplayName("a GIVE_UP send whose mark the store cannot take is not sent, waits a second, and goes once the mark is written; the failed mark is never written late")
        void failedSendStartedMarkWaitsASecond() {
            java.util.concurrent.atomic.AtomicInteger marks = new java.util.concurrent.atomic.AtomicInteger();
            restartOn(storeWith("recordAttemptAll", () -> {
                if (marks.incrementAndGet() == 1) {
                    throw new io.botdelivery.core.spi.RetryStoreException("connection refused", null);
                }
            }), "engine-mark-outage");
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.runDue();

            assertThat(sender.callCount()).as("not sent without its mark").isZero();
            assertThat(stored(s.id()).sendStarted()).isFalse();
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusSeconds(1)));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            scheduler.advance(Duration.ofMinutes(1));
            assertThat(marks).as("the failed mark was not retried in the background, after the send").hasValue(2);
            assertThat(stored(s.id()).sendStarted()).isFalse();
        }

        @Test
        @DisplayName("a GIVE_UP send whose lease was lost by the time of its mark is not sent, and is forgotten here")
        void sendStartedMarkOnLostLease() {
            restartOn(storeWith("recordAttemptAll", () -> {
                // the store stalled past the lease: another worker took it
                clock.advance(EngineConfig.defaults().leaseLength().plusSeconds(1));
                assertThat(store.claimDue(clock.instant(), 10, new io.botdelivery.core.spi.Lease("thief", clock.instant().plusSeconds(30))))
                        .hasSize(1);
            }), "engine-losing");
            Submission s = engine.submit(DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.runDue();

            assertThat(sender.callCount()).isZero();
            assertThat(engine.heldCount()).as("forgotten here").isZero();
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(stored(s.id()).sendStarted()).as("the mark was not written over the new owner's lease").isFalse();
        }

        @Test
        @DisplayName("a chat denial within maxInlineWait is retried from memory when the chat's slot comes")
        void chatDenialInMemory() {
            limiter.script(Reservation.denied(Duration.ofSeconds(3), LimitScope.chat(GROUP)));
            submitText(GROUP, "hi");
            scheduler.advance(Duration.ofSeconds(3));

            assertThat(secondsOfCallsTo(GROUP)).containsExactly(3L);
        }

        @Test
        @DisplayName("a wait longer than maxInlineWait hands the delivery back to the store instead of holding it")
        void inlineWaitCap() {
            limiter.script(Reservation.denied(Duration.ofSeconds(45), LimitScope.chat(GROUP)));
            Submission s = submitText(GROUP, "hi");

            Delivery parked = stored(s.id());
            assertThat(parked.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(parked.nextAttemptAt()).isEqualTo(start.plusSeconds(45));
            assertThat(engine.heldCount()).isZero();
            scheduler.advance(Duration.ofSeconds(46));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a limiter that cannot decide sends nothing; deliveries wait and go once it answers")
        void limiterDown() {
            TestLimiter failing = new TestLimiter() {
                int calls;

                @Override
                public synchronized Reservation reserve(io.botdelivery.core.spi.RateRequest request, Duration horizon) {
                    if (++calls <= 3) {
                        throw new io.botdelivery.core.spi.RateLimiterUnavailableException("redis down", null);
                    }
                    return super.reserve(request, horizon);
                }
            };
            engine.close();
            engine = newEngine(config("engine-2"), failing);
            Submission s = submitText(USER, "hi");
            assertThat(sender.callCount()).isZero();

            scheduler.advance(Duration.ofSeconds(5));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("after a limiter's short spell without decisions the lane asks again after a wait that grows with the spell (100, 100, 200, 400 ms…), not a second per failure")
        void limiterBackSoonIsAskedSoon() {
            Instant backAt = start.plusMillis(350);
            List<Instant> asked = new ArrayList<>();
            TestLimiter failing = new TestLimiter() {
                @Override
                public synchronized Reservation reserve(io.botdelivery.core.spi.RateRequest request, Duration horizon) {
                    asked.add(clock.instant());
                    if (clock.instant().isBefore(backAt)) {
                        throw new RateLimiterUnavailableException("Redis busy", null);
                    }
                    return super.reserve(request, horizon);
                }
            };
            engine.close();
            engine = newEngine(config("engine-2"), failing);
            Submission s = submitText(USER, "hi");

            scheduler.advance(Duration.ofSeconds(2));
            assertThat(asked).containsExactly(start, start.plusMillis(100), start.plusMillis(200), start.plusMillis(400));
            assertThat(sender.calls()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(start.plusMillis(400)));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(meters.counter("delivery.limiter.unavailable").count()).isEqualTo(3.0);
        }
    }

    @Nested
    @DisplayName("notifications, restarts and admin actions")
    class Lifecycle {
        @Test
        @DisplayName("an alert that could not be sent is retried later, and sent exactly once")
        void alertRetried() {
            notifier.failNext(2);
            sender.script(USER, new SendOutcome.Permanent("Bad Request: chat not found", FailureClass.PERMANENT_RECIPIENT));
            Submission s = submitText(USER, "hi");
            scheduler.advance(Duration.ofMinutes(5));

            assertThat(notifier.alertsFor(s.id())).isEqualTo(1);
            assertThat(stored(s.id()).notifiedAt()).isNotNull();
        }

        @Test
        @DisplayName("after a restart, an owed alert is sent once by the new engine, and a sent one is not repeated")
        void notifyOnceAcrossRestart() {
            notifier.failNext(1);
            sender.script(USER, new SendOutcome.Permanent("Forbidden: user is deactivated", FailureClass.PERMANENT_RECIPIENT));
            sender.script(OTHER_USER, new SendOutcome.Permanent("Bad Request: chat not found", FailureClass.PERMANENT_RECIPIENT));
            Submission owed = submitText(USER, "a");
            Submission notified = submitText(OTHER_USER, "b");
            assertThat(notifier.alertsFor(owed.id())).isZero();
            assertThat(notifier.alertsFor(notified.id())).isEqualTo(1);
            engine.close();

            DeliveryEngine restarted = newEngine(config("engine-after-restart"));
            scheduler.advance(Duration.ofMinutes(3));

            assertThat(notifier.alertsFor(owed.id())).isEqualTo(1);
            assertThat(notifier.alertsFor(notified.id())).isEqualTo(1);
            assertThat(restarted.find(owed.id()).orElseThrow().notifiedAt()).isNotNull();
        }

        @Test
        @DisplayName("a waiting delivery can be cancelled and is never sent; a delivered one cannot")
        void cancel() {
            sender.script(USER, new SendOutcome.Transient("500"));
            Submission waiting = submitText(USER, "hi");
            Submission done = submitText(OTHER_USER, "done");

            assertThat(engine.cancel(waiting.id())).isTrue();
            assertThat(engine.cancel(done.id())).isFalse();
            scheduler.advance(Duration.ofMinutes(30));

            assertThat(stored(waiting.id()).status()).isEqualTo(DeliveryStatus.CANCELLED);
            assertThat(sender.callsTo(USER)).hasSize(1);
            assertThat(waiting.outcome().toCompletableFuture()).isCompletedWithValueMatching(d -> d.status() == DeliveryStatus.CANCELLED);
        }

        @Test
        @DisplayName("a FAILED delivery can be redelivered with a fresh attempt budget")
        void redeliver() {
            sender.script(USER, new SendOutcome.Permanent("Forbidden: bot was blocked by the user", FailureClass.PERMANENT_RECIPIENT));
            Submission s = submitText(USER, "pack");
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.FAILED);

            assertThat(engine.redeliver(s.id())).isTrue();
            scheduler.runDue();

            Delivery d = stored(s.id());
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.attempts()).isZero();
            assertThat(engine.redeliver(s.id())).as("only FAILED ones").isFalse();
        }

        @Test
        @DisplayName("shutdown hands held deliveries back to the store, due when they would have gone; a new engine sends them")
        void shutdownReleases() {
            sender.script(USER, new SendOutcome.Transient("500"));
            Submission s = submitText(USER, "hi");
            engine.close();

            Delivery released = stored(s.id());
            assertThat(released.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(released.nextAttemptAt()).isEqualTo(start.plusSeconds(1));
            assertThatThrownBy(() -> engine.submit(DeliveryRequest.builder(USER, Payload.text("late")).build()))
                    .isInstanceOf(IllegalStateException.class);

            newEngine(config("engine-next"));
            scheduler.advance(Duration.ofSeconds(2));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(sender.callsTo(USER)).hasSize(2);
        }

        @Test
        @DisplayName("when the store is down after an alert went out, the engine keeps retrying the mark and never alerts twice")
        void storeOutageAfterAlert() {
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(2);
            restartOn(storeWith("markNotified", () -> {
                if (failures.getAndDecrement() > 0) {
                    throw new io.botdelivery.core.spi.RetryStoreException("connection refused", null);
                }
            }), "engine-flaky-mark");
            sender.script(USER, new SendOutcome.Permanent("Forbidden: bot was blocked by the user", FailureClass.PERMANENT_RECIPIENT));
            Submission s = submitText(USER, "hi");
            scheduler.advance(Duration.ofSeconds(120));

            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(failures.get()).as("the mark was retried until the store took it").isNegative();
            assertThat(notifier.alertsFor(s.id())).isEqualTo(1);
        }

        @Test
        @DisplayName("when the store is down at completion, the engine keeps retrying the write and never resends")
        void storeOutageAtCompletion() {
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(3);
            restartOn(storeWith("completeAll", () -> {
                if (failures.getAndDecrement() > 0) {
                    throw new io.botdelivery.core.spi.RetryStoreException("connection refused", null);
                }
            }), "engine-flaky");
            Submission s = submitText(USER, "paid pack");
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);

            scheduler.advance(Duration.ofSeconds(10));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(sender.callCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("a GIVE_UP delivery whose worker died while sending it is FAILED as ambiguous by the next owner, not sent again")
        void giveUpInterruptedMidSendIsNotResent() {
            // what the store holds while a GIVE_UP delivery is on the wire, read from inside a send
            java.util.concurrent.atomic.AtomicReference<Delivery> onTheWire = new java.util.concurrent.atomic.AtomicReference<>();
            DeliveryEngine watching = DeliveryEngine.builder().store(store).limiter(new TestLimiter())
                    .sender(request -> {
                        onTheWire.set(store.find(request.deliveryId()).orElseThrow());
                        return new SendOutcome.Delivered(List.of(7L));
                    })
                    .clock(clock).scheduler(scheduler).config(config("engine-watching")).build().start();
            engines.add(watching);
            Submission first = watching.submit(DeliveryRequest.builder(OTHER_USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build());
            scheduler.runDue();
            assertThat(stored(first.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
            Delivery marked = onTheWire.get();
            assertThat(marked.sendStarted()).as("marked as started before it went").isTrue();
            assertThat(stored(first.id()).sendStarted()).as("the outcome clears the mark").isFalse();

            // a worker died with the same mark in the store: its lease runs out
            Instant now = clock.instant();
            Delivery orphan = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build(), now);
            store.save(orphan, new io.botdelivery.core.spi.Lease("dead-worker", now.plusSeconds(30)));
            store.recordAttempt(orphan.id(), "dead-worker", new io.botdelivery.core.spi.AttemptState(0, USER, 0, List.of(),
                    null, null, true), now);
            clock.advance(Duration.ofSeconds(31));
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(sender.callsTo(USER)).isEmpty();
            Delivery failed = stored(orphan.id());
            assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(failed.lastErrorClass()).isEqualTo(FailureClass.AMBIGUOUS);
            assertThat(failed.lastError()).contains("GIVE_UP");
            assertThat(notifier.alertsFor(orphan.id())).isEqualTo(1);
        }

        @Test
        @DisplayName("defect 6: a GIVE_UP delivery whose last error merely reads like the old mark is sent, not failed")
        void sendStartedIsAFlagNotAString() {
            Instant now = clock.instant();
            Delivery resumed = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(USER, Payload.text("news"))
                    .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP).build(), now);
            store.save(resumed, new io.botdelivery.core.spi.Lease("dead-worker", now.plusSeconds(30)));
            // the text the store used to hold as the mark, now only an error text: the flag is what counts
            store.recordAttempt(resumed.id(), "dead-worker", new io.botdelivery.core.spi.AttemptState(0, USER, 0, List.of(),
                    "send started; no answer recorded yet", FailureClass.AMBIGUOUS, false), now);
            clock.advance(Duration.ofSeconds(31));
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(sender.callsTo(USER)).hasSize(1);
            assertThat(stored(resumed.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a RETRY delivery whose worker died while sending it is sent again by the next owner (at-least-once)")
        void retryInterruptedMidSendIsResent() {
            Instant now = clock.instant();
            Delivery orphan = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(USER, Payload.text("pack"))
                    .onAmbiguous(AmbiguousOutcomePolicy.RETRY).build(), now);
            store.save(orphan, new io.botdelivery.core.spi.Lease("dead-worker", now.plusSeconds(30)));
            clock.advance(Duration.ofSeconds(31));
            scheduler.advance(Duration.ofSeconds(2));

            assertThat(sender.callsTo(USER)).hasSize(1);
            assertThat(stored(orphan.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("a crashed engine's leased deliveries are taken over by another after the lease")
        void crashedEngineLeaseExpires() {
            limiter.script(Reservation.denied(Duration.ofSeconds(20), LimitScope.chat(USER)));
            Submission s = submitText(USER, "hi");
            // engine-1 "crashes": it never runs again, nothing is released
            engines.remove(engine);
            ManualScheduler otherScheduler = new ManualScheduler(clock);
            DeliveryEngine other = DeliveryEngine.builder().store(store).limiter(new TestLimiter()).sender(sender).notifier(notifier)
                    .clock(clock).scheduler(otherScheduler).config(config("engine-2")).build().start();
            engines.add(other);
            otherScheduler.runDue();
            assertThat(sender.callCount()).isZero();

            clock.advance(Duration.ofSeconds(61));
            otherScheduler.advance(Duration.ofSeconds(1));
            assertThat(stored(s.id()).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }
    }

    /** A clock that jumps ahead once, at a chosen reading: stands for time the engine spends between two readings. */
    static final class StallingClock extends java.time.Clock {
        private final MutableClock clock;
        private int readsLeft;
        private Duration jump;

        StallingClock(MutableClock clock) {
            this.clock = clock;
        }

        /** The {@code read}-th reading from now on (1 = the next) first moves the clock {@code by}. */
        synchronized void jumpAtRead(int read, Duration by) {
            readsLeft = read;
            jump = by;
        }

        @Override
        public synchronized Instant instant() {
            if (jump != null && --readsLeft == 0) {
                clock.advance(jump);
                jump = null;
            }
            return clock.instant();
        }

        @Override
        public java.time.ZoneId getZone() {
            return clock.getZone();
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
