package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.SendOptions;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LeasedWrites.Attempt;
import io.botdelivery.core.spi.LeasedWrites.Completion;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RetryStore} must do; the rules themselves are stated in the port's Javadoc ({@link RetryStore}
 * and its roles), this kit checks them. An adapter's test extends this class and implements {@link #createStore};
 * the kit moves a {@link MutableClock} instead of sleeping. Optional behaviour is a capability: override
 * {@link #reopenStore} to declare a durable store, and {@link #makeStorageUnreachable} to have outages checked; the
 * tests needing them are skipped otherwise. Every test has a time limit ({@link KitTimeLimit}, 60 s), so a store that hangs fails the kit
 * instead of stalling the build.
 */
@KitTimeLimit(seconds = 60)
public abstract class RetryStoreContract {

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    protected RetryStore store;
    private int sequence;

    /** A fresh, empty store using {@code clock} wherever it needs the time. */
    protected abstract RetryStore createStore(Clock clock);

    /**
     * A second store instance over the same storage (a "restarted process"), or {@code null} if the store is not
     * durable. Durable stores override this.
     */
    protected RetryStore reopenStore(Clock clock) {
        return null;
    }

    /**
     * Capability: makes the storage behind {@link #store} unreachable (stop the database server, say) and returns
     * what brings it back; {@code null}, the default, when the adapter's test cannot. While it is down, every
     * operation must throw {@link RetryStoreException}, not some other exception and not a wrong answer; once it is
     * back, the same store instance must work again by itself (within 30 s).
     */
    protected AutoCloseable makeStorageUnreachable() throws Exception {
        return null;
    }

    /** Releases what {@link #createStore} opened. */
    protected void closeStore(RetryStore store) throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void createTheStore() {
        store = createStore(clock);
    }

    @AfterEach
    void closeTheStore() throws Exception {
        closeStore(store);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    protected Delivery newDelivery(long chatId) {
        return newDelivery(DeliveryRequest.builder(chatId, Payload.text("hello " + (++sequence))).build());
    }

    protected Delivery newDelivery(DeliveryRequest request) {
        return Delivery.accepted(DeliveryId.random(), request, clock.instant());
    }

    protected Delivery saved(long chatId) {
        Delivery d = newDelivery(chatId);
        store.save(d, null);
        return d;
    }

    protected Lease lease(String owner) {
        return new Lease(owner, clock.instant().plusSeconds(30));
    }

    protected Delivery claimOne(String owner) {
        List<Delivery> claimed = store.claimDue(clock.instant(), 1, lease(owner));
        assertThat(claimed).as("claimed by " + owner).hasSize(1);
        return claimed.get(0);
    }

    protected static AttemptState failedAttempt(Delivery d, String error, FailureClass failureClass) {
        return new AttemptState(d.attempts() + 1, d.chatId(), d.deliveredItems(), d.messageIds(), error, failureClass);
    }

    private Delivery reload(Delivery d) {
        return store.find(d.id()).orElseThrow();
    }

    // ---- the contract --------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Saving")
    class Saving {
        @Test
        @DisplayName("a saved delivery is found by id and by idempotency key, PENDING with no attempts")
        void savedIsFound() {
            Delivery d = newDelivery(42);
            RetryStore.Saved saved = store.save(d, null);

            assertThat(saved.created()).isTrue();
            assertThat(saved.leased()).isFalse();
            Delivery found = store.find(d.id()).orElseThrow();
            assertThat(found.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(found.attempts()).isZero();
            assertThat(found.chatId()).isEqualTo(42);
            assertThat(found.request()).isEqualTo(d.request());
            assertThat(store.findByIdempotencyKey(d.request().idempotencyKey())).map(Delivery::id).contains(d.id());
        }

        @Test
        @DisplayName("saving the same idempotency key twice keeps one delivery and returns the first")
        void oneDeliveryPerIdempotencyKey() {
            DeliveryRequest request = DeliveryRequest.builder(7, Payload.text("paid pack")).idempotencyKey("charge-1").build();
            Delivery first = newDelivery(request);
            Delivery second = newDelivery(request);

            store.save(first, null);
            RetryStore.Saved again = store.save(second, lease("w1"));

            assertThat(again.created()).isFalse();
            assertThat(again.leased()).isFalse();
            assertThat(again.delivery().id()).isEqualTo(first.id());
            assertThat(store.find(second.id())).isEmpty();
            assertThat(store.summary().total()).isEqualTo(1);
        }

        @Test
        @DisplayName("saving with a lease stores it IN_FLIGHT under that lease, so no other worker claims it")
        void savedWithLease() {
            Delivery d = newDelivery(42);
            RetryStore.Saved saved = store.save(d, lease("w1"));

            assertThat(saved.created()).isTrue();
            assertThat(saved.leased()).isTrue();
            assertThat(reload(d).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(store.claimDue(clock.instant(), 10, lease("w2"))).isEmpty();
            assertThat(store.complete(d.id(), "w1", List.of(1L), clock.instant())).isTrue();
        }

        @Test
        @DisplayName("every payload kind and media source comes back equal")
        void payloadsRoundTrip() throws Exception {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("retry-store-contract", ".pdf");
            java.nio.file.Files.writeString(file, "%PDF-1.4 receipt");
            List<Payload> payloads = List.of(
                    new Payload.Text("<b>bold</b> and ünïcödé ✓", ParseMode.HTML),
                    Payload.photo(MediaSource.fileId("AgACAgIAAxkBAAIB"), "a caption"),
                    Payload.video(MediaSource.url("https://example.com/v.mp4")),
                    Payload.document(MediaSource.bytes("receipt.txt", "paid".getBytes(StandardCharsets.UTF_8))),
                    Payload.document(MediaSource.file(file), "from disk"),
                    Payload.animation(MediaSource.fileId("CgACAgQ"), null),
                    Payload.audio(MediaSource.fileId("CQACAgI")),
                    Payload.album("the pack", Payload.photo(MediaSource.fileId("p1")), Payload.video(MediaSource.url("https://example.com/2.mp4")),
                            Payload.photo(MediaSource.bytes("3.jpg", new byte[] {1, 2, 3}))));
            for (Payload payload : payloads) {
                Delivery d = newDelivery(DeliveryRequest.builder(-100123, payload).businessReference("order-9")
                        .orderingKey("order-9-" + payload.kind() + (++sequence)).priority(Priority.HIGH).allowPaidBroadcast(true)
                        .onAmbiguous(io.botdelivery.api.AmbiguousOutcomePolicy.GIVE_UP).build());
                store.save(d, null);
                assertThat(reload(d).request()).as(payload.kind()).isEqualTo(d.request());
            }
        }
    }

    @Nested
    @DisplayName("Saving in batches")
    class SavingInBatches {
        private Delivery keyed(long chatId, String key) {
            return newDelivery(DeliveryRequest.builder(chatId, Payload.text("batch " + key)).idempotencyKey(key).build());
        }

        @Test
        @DisplayName("text a batch must quote (quotes, backslashes, commas, braces, NULL, new lines, emoji) and every payload kind come back equal")
        void awkwardValuesRoundTrip() {
            clock.advance(Duration.ofNanos(123_456_000)); // an instant with microseconds
            List<String> awkward = List.of("say \"hi\"", "back\\slash", "a,b", "{x,y}", "NULL", "line\nbreak", "tab\there",
                    "ünïcödé ✓ 🎁", "'single'", " padded ");
            List<Delivery> batch = new ArrayList<>();
            for (int i = 0; i < awkward.size(); i++) {
                String text = awkward.get(i);
                batch.add(newDelivery(DeliveryRequest.builder(-100300 - i, new Payload.Text("<b>" + text + "</b>", ParseMode.HTML))
                        .idempotencyKey("awkward " + text + " #" + i).businessReference(text).orderingKey(text + " #" + i)
                        .priority(Priority.values()[i % Priority.values().length]).build()));
            }
            batch.add(newDelivery(DeliveryRequest.builder(-100400, Payload.album("the pack \"{a,b}\"",
                    Payload.photo(MediaSource.fileId("p\\1")), Payload.video(MediaSource.url("https://example.com/2.mp4?a=1,b=2")),
                    Payload.photo(MediaSource.bytes("3.jpg", new byte[] {1, 2, 3})))).build()));

            assertThat(store.saveAll(batch)).allSatisfy(s -> assertThat(s.created()).isTrue());

            for (Delivery d : batch) {
                Delivery found = reload(d);
                assertThat(found.request()).isEqualTo(d.request());
                assertThat(found.createdAt()).isEqualTo(d.createdAt());
                assertThat(found.nextAttemptAt()).isEqualTo(d.nextAttemptAt());
                assertThat(store.findByIdempotencyKey(d.request().idempotencyKey())).map(Delivery::id).contains(d.id());
            }
        }

        @Test
        @DisplayName("a batch of new deliveries is stored PENDING, each created and none leased, answered in the order given")
        void allNew() {
            List<Delivery> batch = List.of(
                    keyed(1, "b-1"),
                    newDelivery(DeliveryRequest.builder(-100200, Payload.photo(MediaSource.fileId("AgAC"), "a caption"))
                            .idempotencyKey("b-2").priority(Priority.HIGH).businessReference("order-7")
                            .orderingKey("order-7").allowPaidBroadcast(true).build()),
                    keyed(3, "b-3"));

            List<RetryStore.Saved> answers = store.saveAll(batch);

            assertThat(answers).extracting(s -> s.delivery().id()).containsExactlyElementsOf(batch.stream().map(Delivery::id).toList());
            assertThat(answers).allSatisfy(s -> {
                assertThat(s.created()).isTrue();
                assertThat(s.leased()).isFalse();
                assertThat(s.delivery().status()).isEqualTo(DeliveryStatus.PENDING);
            });
            for (Delivery d : batch) {
                Delivery found = reload(d);
                assertThat(found.status()).isEqualTo(DeliveryStatus.PENDING);
                assertThat(found.request()).isEqualTo(d.request());
                assertThat(found.attempts()).isZero();
            }
            assertThat(store.summary().total()).isEqualTo(3);
        }

        @Test
        @DisplayName("keys stored before the batch answer the stored deliveries (created = false); the rest are stored")
        void partialDuplicates() {
            Delivery before = keyed(1, "dup-1");
            store.save(before, null);
            Delivery leasedBefore = keyed(2, "dup-2");
            store.save(leasedBefore, lease("w1"));
            Delivery again1 = keyed(1, "dup-1");
            Delivery fresh1 = keyed(5, "new-1");
            Delivery again2 = keyed(2, "dup-2");
            Delivery fresh2 = keyed(6, "new-2");

            List<RetryStore.Saved> answers = store.saveAll(List.of(again1, fresh1, again2, fresh2));

            assertThat(answers).extracting(RetryStore.Saved::created).containsExactly(false, true, false, true);
            assertThat(answers).extracting(s -> s.delivery().id())
                    .containsExactly(before.id(), fresh1.id(), leasedBefore.id(), fresh2.id());
            assertThat(answers.get(2).delivery().status()).as("the stored delivery, as it is").isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(answers).extracting(RetryStore.Saved::leased).containsOnly(false);
            assertThat(store.find(again1.id())).isEmpty();
            assertThat(store.find(again2.id())).isEmpty();
            assertThat(reload(leasedBefore).status()).as("nothing changed").isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(store.summary().total()).isEqualTo(4);
        }

        @Test
        @DisplayName("a key repeated inside one batch is stored once, for its first occurrence; the later ones answer it")
        void keyRepeatedInsideBatch() {
            Delivery first = keyed(1, "twice");
            Delivery other = keyed(2, "once");
            Delivery second = keyed(1, "twice");
            Delivery third = keyed(1, "twice");

            List<RetryStore.Saved> answers = store.saveAll(List.of(first, other, second, third));

            assertThat(answers).extracting(RetryStore.Saved::created).containsExactly(true, true, false, false);
            assertThat(answers).extracting(s -> s.delivery().id()).containsExactly(first.id(), other.id(), first.id(), first.id());
            assertThat(store.find(second.id())).isEmpty();
            assertThat(store.find(third.id())).isEmpty();
            assertThat(store.findByIdempotencyKey(IdempotencyKey.of("twice"))).map(Delivery::id).contains(first.id());
            assertThat(store.summary().total()).isEqualTo(2);
        }

        @Test
        @DisplayName("an empty batch answers an empty list and stores nothing")
        void emptyBatch() {
            assertThat(store.saveAll(List.of())).isEmpty();
            assertThat(store.summary().total()).isZero();
        }

        @Test
        @DisplayName("a batch's deliveries saved at one instant are claimed in the order given, by priority first")
        void claimedInOrder() {
            List<Delivery> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                batch.add(keyed(100 + i, "order-" + i));
            }
            Delivery urgent = newDelivery(DeliveryRequest.builder(99, Payload.text("urgent")).idempotencyKey("urgent")
                    .priority(Priority.HIGH).build());
            batch.add(20, urgent);

            store.saveAll(batch);

            List<DeliveryId> expected = new ArrayList<>();
            expected.add(urgent.id());
            batch.stream().filter(d -> d != urgent).forEach(d -> expected.add(d.id()));
            List<DeliveryId> claimed = new ArrayList<>();
            store.claimDue(clock.instant(), 15, lease("w1")).forEach(d -> claimed.add(d.id()));
            store.claimDue(clock.instant(), 100, lease("w1")).forEach(d -> claimed.add(d.id()));
            assertThat(claimed).containsExactlyElementsOf(expected);
        }

        @Test
        @DisplayName("inside a batch, an earlier delivery holds back a later one with the same ordering key")
        void orderingKeyInsideBatch() {
            Delivery album = newDelivery(DeliveryRequest.builder(5, Payload.text("album")).idempotencyKey("a").orderingKey("order-2").build());
            Delivery receipt = newDelivery(DeliveryRequest.builder(5, Payload.text("receipt")).idempotencyKey("r").orderingKey("order-2").build());

            store.saveAll(List.of(album, receipt));

            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).extracting(Delivery::id).containsExactly(album.id());
            store.complete(album.id(), "w1", List.of(1L), clock.instant());
            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).extracting(Delivery::id).containsExactly(receipt.id());
        }

        @Test
        @DisplayName("a batch larger than one statement (1,234 deliveries) is stored whole and answered in order")
        void largeBatch() {
            List<Delivery> batch = new ArrayList<>();
            for (int i = 0; i < 1234; i++) {
                batch.add(keyed(1 + i, "large-" + i));
            }
            store.save(batch.get(700), null);

            List<RetryStore.Saved> answers = store.saveAll(batch);

            assertThat(answers).extracting(s -> s.delivery().id()).containsExactlyElementsOf(batch.stream().map(Delivery::id).toList());
            assertThat(answers.stream().filter(RetryStore.Saved::created).count()).isEqualTo(1233);
            assertThat(answers.get(700).created()).isFalse();
            assertThat(store.count(DeliveryStatus.PENDING)).isEqualTo(1234);
        }

        @Test
        @DisplayName("two batches with overlapping keys saved at the same time keep one delivery per key, created once")
        void concurrentOverlappingBatches() throws Exception {
            int keys = 300;
            List<List<Delivery>> batches = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < keys; i++) {
                for (List<Delivery> batch : batches) {
                    batch.add(keyed(1 + i, "shared-" + i));
                }
            }
            Collections.reverse(batches.get(1));
            ExecutorService pool = Executors.newFixedThreadPool(batches.size());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<RetryStore.Saved>>> running = new ArrayList<>();
            for (List<Delivery> batch : batches) {
                running.add(pool.submit(() -> {
                    start.await();
                    return store.saveAll(batch);
                }));
            }
            start.countDown();
            List<RetryStore.Saved> all = new ArrayList<>();
            for (Future<List<RetryStore.Saved>> f : running) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();

            assertThat(all.stream().filter(RetryStore.Saved::created).count()).as("created once per key").isEqualTo(keys);
            java.util.Map<IdempotencyKey, Set<DeliveryId>> idsByKey = new java.util.HashMap<>();
            all.forEach(saved -> idsByKey.computeIfAbsent(saved.delivery().request().idempotencyKey(), k -> new HashSet<>())
                    .add(saved.delivery().id()));
            assertThat(idsByKey).hasSize(keys);
            assertThat(idsByKey.values()).as("every answer for a key names the one stored delivery").allSatisfy(ids -> assertThat(ids).hasSize(1));
            assertThat(store.summary().total()).isEqualTo(keys);
        }

        @Test
        @DisplayName("a null batch or a null element throws NullPointerException and stores nothing")
        void nulls() {
            Delivery d = keyed(1, "before-null");

            assertThatNullPointerException().isThrownBy(() -> store.saveAll(null));
            assertThatNullPointerException().isThrownBy(() -> store.saveAll(java.util.Arrays.asList(d, null)));
            assertThat(store.find(d.id())).isEmpty();
            assertThat(store.summary().total()).isZero();
        }
    }

    @Nested
    @DisplayName("Claiming")
    class Claiming {
        @Test
        @DisplayName("a delivery is not claimed before it is due")
        void notClaimedEarly() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");
            store.reschedule(d.id(), "w1", AttemptState.of(claimed), clock.instant().plusSeconds(60), clock.instant());

            assertThat(store.claimDue(clock.instant().plusSeconds(59), 10, lease("w1"))).isEmpty();
            clock.advance(Duration.ofSeconds(60));
            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).extracting(Delivery::id).containsExactly(d.id());
        }

        @Test
        @DisplayName("a claimed delivery comes back IN_FLIGHT and is not claimed again while its lease lasts")
        void leasedNotClaimedTwice() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");

            assertThat(claimed.id()).isEqualTo(d.id());
            assertThat(claimed.status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            clock.advance(Duration.ofSeconds(29));
            assertThat(store.claimDue(clock.instant(), 10, lease("w2"))).isEmpty();
        }

        @Test
        @DisplayName("an expired lease's delivery comes back to another worker, and the old owner can no longer write it")
        void expiredLeaseComesBack() {
            Delivery d = saved(1);
            claimOne("crashed");

            clock.advance(Duration.ofSeconds(30));
            Delivery again = claimOne("w2");

            assertThat(again.id()).isEqualTo(d.id());
            assertThat(store.complete(d.id(), "crashed", List.of(1L), clock.instant())).isFalse();
            assertThat(store.reschedule(d.id(), "crashed", AttemptState.of(again), clock.instant(), clock.instant())).isFalse();
            assertThat(store.fail(d.id(), "crashed", failedAttempt(again, "x", FailureClass.TRANSIENT), clock.instant(), clock.instant())).isFalse();
            assertThat(reload(d).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(store.complete(d.id(), "w2", List.of(5L), clock.instant())).isTrue();
        }

        @Test
        @DisplayName("due deliveries come by priority, then due time, and at most max of them")
        void orderAndMax() {
            Delivery low = newDelivery(DeliveryRequest.builder(1, Payload.text("low")).priority(Priority.LOW).build());
            store.save(low, null);
            clock.advance(Duration.ofMillis(10));
            Delivery normalOld = saved(2);
            clock.advance(Duration.ofMillis(10));
            Delivery normalNew = saved(3);
            clock.advance(Duration.ofMillis(10));
            Delivery high = newDelivery(DeliveryRequest.builder(4, Payload.text("high")).priority(Priority.HIGH).build());
            store.save(high, null);

            List<Delivery> firstThree = store.claimDue(clock.instant(), 3, lease("w1"));
            assertThat(firstThree).extracting(Delivery::id).containsExactly(high.id(), normalOld.id(), normalNew.id());
            assertThat(store.claimDue(clock.instant(), 3, lease("w1"))).extracting(Delivery::id).containsExactly(low.id());
        }

        @Test
        @DisplayName("two workers claiming at the same time never get the same delivery")
        void exclusiveUnderConcurrency() throws Exception {
            int total = 400;
            for (int i = 0; i < total; i++) {
                saved(1000 + i);
            }
            int workers = 4;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            Set<DeliveryId> seen = ConcurrentHashMap.newKeySet();
            List<DeliveryId> duplicates = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                String owner = "w" + w;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Delivery> batch;
                    while (!(batch = store.claimDue(clock.instant(), 7, lease(owner))).isEmpty()) {
                        for (Delivery d : batch) {
                            if (!seen.add(d.id())) {
                                duplicates.add(d.id());
                            }
                            assertThat(store.complete(d.id(), owner, List.of(1L), clock.instant())).isTrue();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(duplicates).isEmpty();
            assertThat(seen).hasSize(total);
            assertThat(store.count(DeliveryStatus.DELIVERED)).isEqualTo(total);
        }

        @Test
        @DisplayName("a delivery with an ordering key waits until the earlier one with the same key is finished")
        void orderingKeyHoldsLaterOnesBack() {
            Delivery album = newDelivery(DeliveryRequest.builder(5, Payload.text("album")).orderingKey("order-1").build());
            store.save(album, null);
            clock.advance(Duration.ofMillis(1));
            Delivery receipt = newDelivery(DeliveryRequest.builder(5, Payload.text("receipt")).orderingKey("order-1").build());
            RetryStore.Saved savedReceipt = store.save(receipt, lease("w1"));
            Delivery unrelated = saved(5);

            assertThat(savedReceipt.leased()).as("leased while an earlier one with its key is pending").isFalse();
            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).extracting(Delivery::id)
                    .containsExactlyInAnyOrder(album.id(), unrelated.id());
            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).isEmpty();

            store.complete(album.id(), "w1", List.of(1L), clock.instant());
            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).extracting(Delivery::id).containsExactly(receipt.id());
        }
    }

    @Nested
    @DisplayName("Completing and rescheduling")
    class Completing {
        @Test
        @DisplayName("completing records the message ids and makes it DELIVERED")
        void complete() {
            Delivery d = saved(1);
            claimOne("w1");
            clock.advance(Duration.ofSeconds(1));

            assertThat(store.complete(d.id(), "w1", List.of(11L, 12L), clock.instant())).isTrue();
            Delivery done = reload(d);
            assertThat(done.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(done.messageIds()).containsExactly(11L, 12L);
            assertThat(done.finishedAt()).isEqualTo(clock.instant());
        }

        @Test
        @DisplayName("completing twice is harmless: the second call changes nothing")
        void completeTwice() {
            Delivery d = saved(1);
            claimOne("w1");
            store.complete(d.id(), "w1", List.of(11L), clock.instant());
            clock.advance(Duration.ofSeconds(5));

            assertThat(store.complete(d.id(), "w1", List.of(99L), clock.instant())).isFalse();
            assertThat(reload(d).messageIds()).containsExactly(11L);
            assertThat(store.claimDue(clock.instant().plusSeconds(3600), 10, lease("w2"))).isEmpty();
        }

        @Test
        @DisplayName("rescheduling releases it as PENDING with the attempt's progress, due at the given time")
        void reschedule() {
            Delivery d = newDelivery(DeliveryRequest.builder(-1001, Payload.album(null, Payload.photo(MediaSource.fileId("a")),
                    Payload.photo(MediaSource.fileId("b")), Payload.photo(MediaSource.fileId("c")))).build());
            store.save(d, null);
            claimOne("w1");
            AttemptState progress = new AttemptState(3, -1002, 1, List.of(77L), "Bad Gateway", FailureClass.TRANSIENT);

            assertThat(store.reschedule(d.id(), "w1", progress, clock.instant().plusSeconds(300), clock.instant())).isTrue();
            Delivery after = reload(d);
            assertThat(after.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(after.attempts()).isEqualTo(3);
            assertThat(after.chatId()).isEqualTo(-1002);
            assertThat(after.deliveredItems()).isEqualTo(1);
            assertThat(after.messageIds()).containsExactly(77L);
            assertThat(after.lastError()).isEqualTo("Bad Gateway");
            assertThat(after.lastErrorClass()).isEqualTo(FailureClass.TRANSIENT);
            assertThat(after.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(300));
            assertThat(store.reschedule(d.id(), "w1", progress, clock.instant(), clock.instant())).as("not leased any more").isFalse();
        }

        @Test
        @DisplayName("recording an attempt keeps the lease: no other worker can claim it")
        void recordAttemptKeepsLease() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");

            assertThat(store.recordAttempt(d.id(), "w1", failedAttempt(claimed, "timeout", FailureClass.TRANSIENT), clock.instant())).isTrue();
            assertThat(reload(d).attempts()).isEqualTo(1);
            assertThat(reload(d).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(store.claimDue(clock.instant(), 10, lease("w2"))).isEmpty();
            assertThat(store.recordAttempt(d.id(), "w2", failedAttempt(claimed, "x", FailureClass.TRANSIENT), clock.instant())).isFalse();
        }

        @Test
        @DisplayName("the 'send started' mark survives a crashed owner: the next claimer sees it, and any later write clears it")
        void sendStartedMark() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");
            assertThat(claimed.sendStarted()).isFalse();

            assertThat(store.recordAttempt(d.id(), "w1", AttemptState.of(claimed).withSendStarted(true), clock.instant())).isTrue();
            assertThat(reload(d).sendStarted()).isTrue();
            assertThat(reload(d).lastError()).as("the mark is a flag, not an error text").isNull();
            clock.advance(Duration.ofSeconds(31));
            Delivery taken = claimOne("w2");
            assertThat(taken.sendStarted()).as("seen by the worker taking over").isTrue();

            assertThat(store.reschedule(d.id(), "w2", AttemptState.of(taken), clock.instant(), clock.instant())).isTrue();
            assertThat(reload(d).sendStarted()).isFalse();
            Delivery again = claimOne("w3");
            assertThat(store.recordAttempt(d.id(), "w3", AttemptState.of(again).withSendStarted(true), clock.instant())).isTrue();
            assertThat(store.complete(d.id(), "w3", List.of(5L), clock.instant())).isTrue();
            assertThat(reload(d).sendStarted()).as("cleared by completing").isFalse();
        }

        @Test
        @DisplayName("renewing leases extends the ones still held and leaves out the ones lost")
        void renewLeases() {
            Delivery kept = saved(1);
            Delivery lost = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            clock.advance(Duration.ofSeconds(20));
            assertThat(store.renewLeases(List.of(kept.id()), lease("w1"))).containsExactly(kept.id());
            clock.advance(Duration.ofSeconds(15));
            Delivery stolen = claimOne("w2");

            assertThat(stolen.id()).isEqualTo(lost.id());
            assertThat(store.renewLeases(List.of(kept.id(), lost.id()), lease("w1"))).containsExactly(kept.id());
        }
    }

    @Nested
    @DisplayName("Completing in batches")
    class CompletingInBatches {
        @Test
        @DisplayName("a batch completes every delivery still leased to the owner, each with its own message ids, and answers none")
        void completesAll() {
            Delivery a = saved(1);
            Delivery b = saved(2);
            Delivery c = saved(3);
            assertThat(store.claimDue(clock.instant(), 3, lease("w1"))).hasSize(3);
            clock.advance(Duration.ofSeconds(1));

            Set<DeliveryId> notCompleted = store.completeAll(List.of(new Completion(a.id(), List.of(11L)),
                    new Completion(b.id(), List.of(21L, 22L)), new Completion(c.id(), List.of())), "w1", clock.instant());

            assertThat(notCompleted).isEmpty();
            for (Delivery d : List.of(a, b, c)) {
                assertThat(reload(d).status()).isEqualTo(DeliveryStatus.DELIVERED);
                assertThat(reload(d).finishedAt()).isEqualTo(clock.instant());
            }
            assertThat(reload(a).messageIds()).containsExactly(11L);
            assertThat(reload(b).messageIds()).containsExactly(21L, 22L);
            assertThat(reload(c).messageIds()).isEmpty();
            assertThat(store.claimDue(clock.instant().plusSeconds(3600), 10, lease("w2"))).as("nothing left to claim").isEmpty();
        }

        @Test
        @DisplayName("a delivery whose lease was lost is left to its new owner and answered; the rest of the batch is completed")
        void lostLeaseDoesNotHoldBackTheRest() {
            Delivery a = saved(1);
            Delivery lost = saved(2);
            Delivery c = saved(3);
            store.claimDue(clock.instant(), 3, lease("w1"));
            clock.advance(Duration.ofSeconds(20));
            assertThat(store.renewLeases(List.of(a.id(), c.id()), lease("w1"))).hasSize(2);
            clock.advance(Duration.ofSeconds(15));
            assertThat(claimOne("w2").id()).isEqualTo(lost.id());
            Delivery neverClaimed = saved(4);

            Set<DeliveryId> notCompleted = store.completeAll(List.of(new Completion(a.id(), List.of(1L)),
                    new Completion(lost.id(), List.of(2L)), new Completion(neverClaimed.id(), List.of(4L)),
                    new Completion(c.id(), List.of(3L))), "w1", clock.instant());

            assertThat(notCompleted).as("the ones not completed, in the order given").containsExactly(lost.id(), neverClaimed.id());
            assertThat(reload(a).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(reload(c).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(reload(c).messageIds()).containsExactly(3L);
            assertThat(reload(lost).status()).as("still the new owner's").isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(reload(lost).messageIds()).isEmpty();
            assertThat(reload(neverClaimed).status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(store.complete(lost.id(), "w2", List.of(9L), clock.instant())).as("the new owner completes it").isTrue();
        }

        @Test
        @DisplayName("completing a batch twice is harmless: the second call answers every id and changes nothing")
        void completeAllTwice() {
            Delivery a = saved(1);
            Delivery b = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            List<Completion> batch = List.of(new Completion(a.id(), List.of(1L)), new Completion(b.id(), List.of(2L)));
            assertThat(store.completeAll(batch, "w1", clock.instant())).isEmpty();
            Instant finished = clock.instant();
            clock.advance(Duration.ofSeconds(5));

            assertThat(store.completeAll(List.of(new Completion(a.id(), List.of(8L)), new Completion(b.id(), List.of(9L))),
                    "w1", clock.instant())).containsExactly(a.id(), b.id());
            assertThat(reload(a).messageIds()).containsExactly(1L);
            assertThat(reload(b).finishedAt()).isEqualTo(finished);
        }

        @Test
        @DisplayName("an empty batch answers an empty set")
        void emptyBatch() {
            Delivery d = saved(1);
            claimOne("w1");

            assertThat(store.completeAll(List.of(), "w1", clock.instant())).isEmpty();
            assertThat(reload(d).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
        }

        @Test
        @DisplayName("a null batch, element, owner or time throws NullPointerException, a repeated id IllegalArgumentException, before anything is written")
        void badArguments() {
            Delivery a = saved(1);
            Delivery b = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            Instant now = clock.instant();
            Completion first = new Completion(a.id(), List.of(1L));
            Completion second = new Completion(b.id(), List.of(2L));

            assertThatNullPointerException().isThrownBy(() -> store.completeAll(null, "w1", now));
            assertThatNullPointerException().isThrownBy(() -> store.completeAll(java.util.Arrays.asList(first, null), "w1", now));
            assertThatNullPointerException().isThrownBy(() -> store.completeAll(List.of(first), null, now));
            assertThatNullPointerException().isThrownBy(() -> store.completeAll(List.of(first), "w1", null));
            assertThatThrownBy(() -> store.completeAll(List.of(first, second, new Completion(a.id(), List.of(3L))), "w1", now))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(reload(a).status()).as("nothing written").isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(reload(b).status()).as("nothing written").isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(store.completeAll(List.of(first, second), "w1", now)).as("both still leased").isEmpty();
        }
    }

    @Nested
    @DisplayName("Recording attempts in batches")
    class RecordingAttemptsInBatches {
        /** What a write of an attempt sets, read back; equal for two deliveries means written alike. */
        private List<Object> asRecorded(Delivery d) {
            Delivery r = reload(d);
            return java.util.Arrays.asList(r.status(), r.chatId(), r.attempts(), r.deliveredItems(), r.messageIds(),
                    r.lastError(), r.lastErrorClass(), r.sendStarted(), r.updatedAt(), r.nextAttemptAt(), r.finishedAt());
        }

        @Test
        @DisplayName("a batch records every attempt exactly as recordAttempt would, keeps the leases, and answers none")
        void recordsAllAsRecordAttemptDoes() {
            List<Delivery> batched = new ArrayList<>();
            List<Delivery> single = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batched.add(saved(10 + i));
                single.add(saved(10 + i));
            }
            assertThat(store.claimDue(clock.instant(), 6, lease("w1"))).hasSize(6);
            clock.advance(Duration.ofSeconds(1));
            List<java.util.function.Function<Delivery, AttemptState>> states = List.of(
                    d -> AttemptState.of(d).withSendStarted(true),
                    d -> new AttemptState(2, -100_200_300L, 1, List.of(7L, 8L), "Bad Gateway", FailureClass.TRANSIENT),
                    d -> new AttemptState(1, d.chatId(), 0, List.of(), "timeout", FailureClass.AMBIGUOUS, true));
            List<Attempt> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(new Attempt(batched.get(i).id(), states.get(i).apply(reload(batched.get(i)))));
                assertThat(store.recordAttempt(single.get(i).id(), "w1", states.get(i).apply(reload(single.get(i))), clock.instant())).isTrue();
            }

            assertThat(store.recordAttemptAll(batch, "w1", clock.instant())).isEmpty();

            for (int i = 0; i < 3; i++) {
                assertThat(asRecorded(batched.get(i))).as("attempt #%d, batched and alone", i + 1).isEqualTo(asRecorded(single.get(i)));
            }
            Delivery migrated = reload(batched.get(1));
            assertThat(migrated.status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(migrated.chatId()).isEqualTo(-100_200_300L);
            assertThat(migrated.attempts()).isEqualTo(2);
            assertThat(migrated.deliveredItems()).isEqualTo(1);
            assertThat(migrated.messageIds()).containsExactly(7L, 8L);
            assertThat(migrated.lastError()).isEqualTo("Bad Gateway");
            assertThat(migrated.lastErrorClass()).isEqualTo(FailureClass.TRANSIENT);
            assertThat(migrated.sendStarted()).isFalse();
            assertThat(migrated.updatedAt()).isEqualTo(clock.instant());
            assertThat(reload(batched.get(0)).sendStarted()).isTrue();
            assertThat(reload(batched.get(0)).lastError()).as("the mark is a flag, not an error text").isNull();
            assertThat(store.claimDue(clock.instant(), 10, lease("w2"))).as("the leases are kept").isEmpty();
        }

        @Test
        @DisplayName("the worker claiming after a crash sees each batched attempt (send started mark, attempts, error) as recorded")
        void laterClaimSeesTheBatch() {
            Delivery marked = saved(1);
            Delivery failedOnce = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            store.recordAttemptAll(List.of(new Attempt(marked.id(), AttemptState.of(reload(marked)).withSendStarted(true)),
                    new Attempt(failedOnce.id(), new AttemptState(1, 2, 0, List.of(5L), "Bad Gateway", FailureClass.TRANSIENT))),
                    "w1", clock.instant());
            clock.advance(Duration.ofSeconds(31));

            List<Delivery> taken = store.claimDue(clock.instant(), 10, lease("w2"));

            assertThat(taken).extracting(Delivery::id).containsExactlyInAnyOrder(marked.id(), failedOnce.id());
            Delivery takenMarked = taken.stream().filter(d -> d.id().equals(marked.id())).findFirst().orElseThrow();
            Delivery takenFailed = taken.stream().filter(d -> d.id().equals(failedOnce.id())).findFirst().orElseThrow();
            assertThat(takenMarked.sendStarted()).as("seen by the worker taking over").isTrue();
            assertThat(takenMarked.attempts()).isZero();
            assertThat(takenFailed.sendStarted()).isFalse();
            assertThat(takenFailed.attempts()).isEqualTo(1);
            assertThat(takenFailed.messageIds()).containsExactly(5L);
            assertThat(takenFailed.lastError()).isEqualTo("Bad Gateway");
            assertThat(takenFailed.lastErrorClass()).isEqualTo(FailureClass.TRANSIENT);
            assertThat(store.complete(marked.id(), "w2", List.of(9L), clock.instant())).isTrue();
            assertThat(reload(marked).sendStarted()).as("cleared by completing").isFalse();
        }

        @Test
        @DisplayName("a lost lease, a finished delivery and one never claimed are answered in the order given; the rest of the batch is recorded")
        void lostLeaseDoesNotHoldBackTheRest() {
            Delivery a = saved(1);
            Delivery lost = saved(2);
            Delivery done = saved(3);
            Delivery c = saved(4);
            store.claimDue(clock.instant(), 4, lease("w1"));
            clock.advance(Duration.ofSeconds(20));
            assertThat(store.renewLeases(List.of(a.id(), done.id(), c.id()), lease("w1"))).hasSize(3);
            clock.advance(Duration.ofSeconds(15));
            assertThat(claimOne("w2").id()).isEqualTo(lost.id());
            assertThat(store.complete(done.id(), "w1", List.of(3L), clock.instant())).isTrue();
            Delivery neverClaimed = saved(5);

            Set<DeliveryId> notRecorded = store.recordAttemptAll(List.of(
                    new Attempt(a.id(), AttemptState.of(reload(a)).withSendStarted(true)),
                    new Attempt(lost.id(), AttemptState.of(reload(lost)).withSendStarted(true)),
                    new Attempt(done.id(), AttemptState.of(reload(done)).withSendStarted(true)),
                    new Attempt(neverClaimed.id(), AttemptState.of(reload(neverClaimed)).withSendStarted(true)),
                    new Attempt(c.id(), AttemptState.of(reload(c)).withSendStarted(true))), "w1", clock.instant());

            assertThat(notRecorded).as("the ones not recorded, in the order given").containsExactly(lost.id(), done.id(), neverClaimed.id());
            assertThat(reload(a).sendStarted()).isTrue();
            assertThat(reload(c).sendStarted()).isTrue();
            assertThat(reload(lost).sendStarted()).as("still the new owner's, unmarked").isFalse();
            assertThat(reload(lost).status()).isEqualTo(DeliveryStatus.IN_FLIGHT);
            assertThat(reload(done).sendStarted()).isFalse();
            assertThat(reload(done).status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(reload(neverClaimed).sendStarted()).isFalse();
            assertThat(reload(neverClaimed).status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(store.recordAttempt(lost.id(), "w2", AttemptState.of(reload(lost)), clock.instant())).as("the new owner writes it").isTrue();
        }

        @Test
        @DisplayName("a batch after its owner lost every lease answers every id and changes nothing")
        void batchAfterLeasesLost() {
            Delivery a = saved(1);
            Delivery b = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            clock.advance(Duration.ofSeconds(31));
            assertThat(store.claimDue(clock.instant(), 2, lease("w2"))).hasSize(2);
            List<Object> aBefore = asRecorded(a);
            List<Object> bBefore = asRecorded(b);
            clock.advance(Duration.ofSeconds(1));

            assertThat(store.recordAttemptAll(List.of(
                    new Attempt(a.id(), new AttemptState(1, 1, 0, List.of(), "x", FailureClass.TRANSIENT, true)),
                    new Attempt(b.id(), new AttemptState(1, 2, 0, List.of(), "y", FailureClass.TRANSIENT, true))),
                    "w1", clock.instant())).containsExactly(a.id(), b.id());
            assertThat(asRecorded(a)).isEqualTo(aBefore);
            assertThat(asRecorded(b)).isEqualTo(bBefore);
        }

        @Test
        @DisplayName("recording a batch twice is harmless: the second call records the same and answers none")
        void recordAttemptAllTwice() {
            Delivery a = saved(1);
            Delivery b = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            List<Attempt> batch = List.of(new Attempt(a.id(), AttemptState.of(reload(a)).withSendStarted(true)),
                    new Attempt(b.id(), new AttemptState(1, 2, 0, List.of(), "x", FailureClass.TRANSIENT)));
            assertThat(store.recordAttemptAll(batch, "w1", clock.instant())).isEmpty();
            List<Object> aOnce = asRecorded(a);
            List<Object> bOnce = asRecorded(b);

            assertThat(store.recordAttemptAll(batch, "w1", clock.instant())).isEmpty();
            assertThat(asRecorded(a)).isEqualTo(aOnce);
            assertThat(asRecorded(b)).isEqualTo(bOnce);
        }

        @Test
        @DisplayName("an empty batch answers an empty set")
        void emptyBatch() {
            Delivery d = saved(1);
            claimOne("w1");
            List<Object> before = asRecorded(d);

            assertThat(store.recordAttemptAll(List.of(), "w1", clock.instant().plusSeconds(1))).isEmpty();
            assertThat(asRecorded(d)).isEqualTo(before);
        }

        @Test
        @DisplayName("a null batch, element, owner or time throws NullPointerException, a repeated id IllegalArgumentException, before anything is written")
        void badArguments() {
            Delivery a = saved(1);
            Delivery b = saved(2);
            store.claimDue(clock.instant(), 2, lease("w1"));
            Instant now = clock.instant().plusSeconds(1);
            Attempt first = new Attempt(a.id(), AttemptState.of(reload(a)).withSendStarted(true));
            Attempt second = new Attempt(b.id(), AttemptState.of(reload(b)).withSendStarted(true));

            assertThatNullPointerException().isThrownBy(() -> store.recordAttemptAll(null, "w1", now));
            assertThatNullPointerException().isThrownBy(() -> store.recordAttemptAll(java.util.Arrays.asList(first, null), "w1", now));
            assertThatNullPointerException().isThrownBy(() -> store.recordAttemptAll(List.of(first), null, now));
            assertThatNullPointerException().isThrownBy(() -> store.recordAttemptAll(List.of(first), "w1", null));
            assertThatThrownBy(() -> store.recordAttemptAll(List.of(first, second,
                    new Attempt(a.id(), AttemptState.of(reload(a)))), "w1", now)).isInstanceOf(IllegalArgumentException.class);
            assertThat(reload(a).sendStarted()).as("nothing written").isFalse();
            assertThat(reload(b).sendStarted()).as("nothing written").isFalse();
            assertThat(reload(a).updatedAt()).as("nothing written").isEqualTo(clock.instant());
            assertThat(store.recordAttemptAll(List.of(first, second), "w1", now)).as("both still leased").isEmpty();
        }
    }

    @Nested
    @DisplayName("Failing and notifying")
    class Failing {
        @Test
        @DisplayName("failing records the reason and owes one notification, first to the failing worker")
        void failOwesNotification() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");

            assertThat(store.fail(d.id(), "w1", failedAttempt(claimed, "Forbidden: bot was blocked by the user",
                    FailureClass.PERMANENT_RECIPIENT), clock.instant(), clock.instant().plusSeconds(30))).isTrue();
            Delivery failed = reload(d);
            assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(failed.lastError()).contains("blocked");
            assertThat(failed.lastErrorClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT);
            assertThat(failed.finishedAt()).isEqualTo(clock.instant());
            assertThat(failed.notifiedAt()).isNull();
            assertThat(store.claimUnnotified(clock.instant(), 10, lease("w2"))).as("still leased to w1").isEmpty();

            assertThat(store.markNotified(d.id(), "w1", clock.instant())).isTrue();
            assertThat(reload(d).notifiedAt()).isEqualTo(clock.instant());
            assertThat(store.markNotified(d.id(), "w1", clock.instant())).isFalse();
        }

        @Test
        @DisplayName("an owed notification whose worker vanished is claimed once by another worker, then never again")
        void owedNotificationComesBackOnce() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");
            store.fail(d.id(), "w1", failedAttempt(claimed, "chat not found", FailureClass.PERMANENT_RECIPIENT),
                    clock.instant(), clock.instant().plusSeconds(30));

            clock.advance(Duration.ofSeconds(31));
            List<Delivery> owed = store.claimUnnotified(clock.instant(), 10, lease("w2"));
            assertThat(owed).extracting(Delivery::id).containsExactly(d.id());
            assertThat(owed.get(0).status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(store.claimUnnotified(clock.instant(), 10, lease("w3"))).isEmpty();
            assertThat(store.markNotified(d.id(), "w1", clock.instant())).as("w1 lost it").isFalse();
            assertThat(store.markNotified(d.id(), "w2", clock.instant())).isTrue();

            clock.advance(Duration.ofHours(1));
            assertThat(store.claimUnnotified(clock.instant(), 10, lease("w3"))).isEmpty();
        }

        @Test
        @DisplayName("failing twice is harmless and a failed delivery is never claimed as work")
        void failTwice() {
            Delivery d = saved(1);
            Delivery claimed = claimOne("w1");
            store.fail(d.id(), "w1", failedAttempt(claimed, "first", FailureClass.PERMANENT_PAYLOAD), clock.instant(), clock.instant());

            assertThat(store.fail(d.id(), "w1", failedAttempt(claimed, "second", FailureClass.PERMANENT_PAYLOAD), clock.instant(), clock.instant())).isFalse();
            assertThat(reload(d).lastError()).isEqualTo("first");
            assertThat(store.claimDue(clock.instant().plusSeconds(3600), 10, lease("w2"))).isEmpty();
        }
    }

    @Nested
    @DisplayName("Retention")
    class Retention {
        @Test
        @DisplayName("finished deliveries older than the cut-off are purged in batches, oldest first; the rest stay")
        void purgesOldFinished() {
            Delivery delivered = saved(1);
            store.complete(claimOne("w1").id(), "w1", List.of(1L), clock.instant());
            clock.advance(Duration.ofSeconds(1));
            Delivery cancelled = saved(2);
            store.cancel(cancelled.id(), null, clock.instant());
            clock.advance(Duration.ofSeconds(1));
            Delivery owedAlert = saved(3);
            Delivery claimed = claimOne("w1");
            store.fail(owedAlert.id(), "w1", failedAttempt(claimed, "chat not found", FailureClass.PERMANENT_RECIPIENT),
                    clock.instant(), clock.instant());
            clock.advance(Duration.ofDays(8));
            Delivery recent = saved(5);
            store.complete(claimOne("w1").id(), "w1", List.of(2L), clock.instant());
            Delivery waiting = saved(4);
            Instant cutOff = clock.instant().minus(Duration.ofDays(7));

            assertThat(store.purgeFinished(cutOff, 1)).as("one batch of one").isEqualTo(1);
            assertThat(store.find(delivered.id())).as("the oldest goes first").isEmpty();
            assertThat(store.find(cancelled.id())).isPresent();
            assertThat(store.purgeFinished(cutOff, 10)).isEqualTo(1);
            assertThat(store.find(cancelled.id())).isEmpty();
            assertThat(store.purgeFinished(cutOff, 10)).isZero();
            assertThat(store.find(owedAlert.id())).as("its alert is still owed").isPresent();
            assertThat(store.find(waiting.id())).as("not finished").isPresent();
            assertThat(store.find(recent.id())).as("finished after the cut-off").isPresent();
            assertThat(store.findByIdempotencyKey(delivered.request().idempotencyKey())).isEmpty();
        }

        @Test
        @DisplayName("findAll returns the snapshots of the ids that exist")
        void findAll() {
            Delivery a = saved(1);
            Delivery b = saved(2);

            assertThat(store.findAll(List.of(a.id(), b.id(), DeliveryId.random()))).extracting(Delivery::id)
                    .containsExactlyInAnyOrder(a.id(), b.id());
            assertThat(store.findAll(List.of())).isEmpty();
        }

        @Test
        @DisplayName("findFinal returns the snapshots of the ids that have ended, and leaves out the rest")
        void findFinal() {
            Delivery delivered = saved(1);
            store.complete(claimOne("w1").id(), "w1", List.of(7L), clock.instant());
            Delivery failed = saved(2);
            store.fail(failed.id(), "w1", failedAttempt(claimOne("w1"), "chat not found", FailureClass.PERMANENT_RECIPIENT),
                    clock.instant(), clock.instant());
            Delivery cancelled = saved(3);
            store.cancel(cancelled.id(), null, clock.instant());
            Delivery inFlight = saved(4);
            claimOne("w1");
            Delivery pending = saved(5);

            List<Delivery> ended = store.findFinal(List.of(delivered.id(), failed.id(), cancelled.id(), inFlight.id(),
                    pending.id(), DeliveryId.random()));
            assertThat(ended).extracting(Delivery::id).containsExactlyInAnyOrder(delivered.id(), failed.id(), cancelled.id());
            assertThat(ended).filteredOn(d -> d.id().equals(delivered.id())).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED))
                    .satisfies(d -> assertThat(d.messageIds()).containsExactly(7L));
            assertThat(store.findFinal(List.of(inFlight.id(), pending.id()))).isEmpty();
            assertThat(store.findFinal(List.of())).isEmpty();
        }
    }

    @Nested
    @DisplayName("Cancelling and redelivering")
    class CancelAndRedeliver {
        @Test
        @DisplayName("a pending delivery can be cancelled and is never claimed afterwards")
        void cancelPending() {
            Delivery d = saved(1);

            assertThat(store.cancel(d.id(), null, clock.instant())).isTrue();
            assertThat(reload(d).status()).isEqualTo(DeliveryStatus.CANCELLED);
            assertThat(store.claimDue(clock.instant(), 10, lease("w1"))).isEmpty();
            assertThat(store.cancel(d.id(), null, clock.instant())).isFalse();
        }

        @Test
        @DisplayName("an in-flight delivery can be cancelled only by its lease owner")
        void cancelInFlight() {
            Delivery d = saved(1);
            claimOne("w1");

            assertThat(store.cancel(d.id(), null, clock.instant())).isFalse();
            assertThat(store.cancel(d.id(), "w2", clock.instant())).isFalse();
            assertThat(store.cancel(d.id(), "w1", clock.instant())).isTrue();
            assertThat(store.complete(d.id(), "w1", List.of(1L), clock.instant())).isFalse();
        }

        @Test
        @DisplayName("a delivered delivery cannot be cancelled")
        void cancelDelivered() {
            Delivery d = saved(1);
            claimOne("w1");
            store.complete(d.id(), "w1", List.of(1L), clock.instant());

            assertThat(store.cancel(d.id(), "w1", clock.instant())).isFalse();
            assertThat(reload(d).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }

        @Test
        @DisplayName("redelivering a failed delivery makes it due now with a fresh attempt budget, keeping delivered album items")
        void redeliverFailed() {
            Delivery d = saved(1);
            claimOne("w1");
            store.fail(d.id(), "w1", new AttemptState(10, 1, 2, List.of(5L, 6L), "gave up", FailureClass.ATTEMPTS_EXHAUSTED),
                    clock.instant(), clock.instant());
            store.markNotified(d.id(), "w1", clock.instant());
            clock.advance(Duration.ofMinutes(5));

            assertThat(store.redeliver(d.id(), clock.instant())).isTrue();
            Delivery again = reload(d);
            assertThat(again.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(again.attempts()).isZero();
            assertThat(again.deliveredItems()).isEqualTo(2);
            assertThat(again.notifiedAt()).isNull();
            assertThat(store.claimDue(clock.instant(), 10, lease("w2"))).extracting(Delivery::id).containsExactly(d.id());
        }

        @Test
        @DisplayName("only a failed delivery can be redelivered")
        void redeliverOnlyFailed() {
            Delivery d = saved(1);

            assertThat(store.redeliver(d.id(), clock.instant())).isFalse();
            assertThat(store.redeliver(DeliveryId.random(), clock.instant())).isFalse();
        }
    }

    @Nested
    @DisplayName("Queries")
    class Queries {
        @Test
        @DisplayName("the summary counts every status and names the oldest waiting delivery")
        void summary() {
            Delivery oldest = saved(1);
            clock.advance(Duration.ofSeconds(1));
            Delivery delivered = saved(2);
            clock.advance(Duration.ofSeconds(1));
            saved(3);
            List<Delivery> claimed = store.claimDue(clock.instant(), 2, lease("w1"));
            assertThat(claimed).extracting(Delivery::id).containsExactly(oldest.id(), delivered.id());
            store.complete(delivered.id(), "w1", List.of(1L), clock.instant());

            QueueSummary summary = store.summary();
            assertThat(summary.count(DeliveryStatus.PENDING)).isEqualTo(1);
            assertThat(summary.count(DeliveryStatus.IN_FLIGHT)).isEqualTo(1);
            assertThat(summary.count(DeliveryStatus.DELIVERED)).isEqualTo(1);
            assertThat(summary.count(DeliveryStatus.FAILED)).isZero();
            assertThat(summary.oldestPendingSince()).isEqualTo(oldest.createdAt());
        }

        @Test
        @DisplayName("recent failures come newest first, at most the limit")
        void recentFailures() {
            List<DeliveryId> failedInOrder = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Delivery d = saved(10 + i);
                Delivery c = claimOne("w1");
                store.fail(d.id(), "w1", failedAttempt(c, "reason " + i, FailureClass.PERMANENT_RECIPIENT), clock.instant(), clock.instant());
                failedInOrder.add(d.id());
                clock.advance(Duration.ofSeconds(1));
            }

            assertThat(store.recentFailures(2)).extracting(Delivery::id).containsExactly(failedInOrder.get(2), failedInOrder.get(1));
        }

        @Test
        @DisplayName("an unknown id is simply not found")
        void unknown() {
            assertThat(store.find(DeliveryId.random())).isEmpty();
            assertThat(store.findByIdempotencyKey(IdempotencyKey.of("nope"))).isEmpty();
            assertThat(store.complete(DeliveryId.random(), "w1", List.of(), clock.instant())).isFalse();
        }
    }

    @Nested
    @DisplayName("Exactness (what careless stores get wrong)")
    class Exactness {
        private final Duration micro = Duration.ofNanos(1_000);

        /** A lease of {@code length} from now. */
        private Lease leaseFor(String owner, Duration length) {
            return new Lease(owner, clock.instant().plus(length));
        }

        @Test
        @DisplayName("a claim's lease lasts exactly as long as it was given, short or long")
        void claimLeaseLength() {
            for (Duration length : List.of(Duration.ofSeconds(7), Duration.ofSeconds(95))) {
                Delivery d = saved(1);
                Instant start = clock.instant();
                assertThat(store.claimDue(start, 1, leaseFor("w1", length))).extracting(Delivery::id).containsExactly(d.id());

                clock.set(start.plus(length).minus(micro));
                assertThat(store.claimDue(clock.instant(), 1, lease("w2"))).as("a microsecond before a %s lease ends", length).isEmpty();
                clock.set(start.plus(length));
                assertThat(store.claimDue(clock.instant(), 1, lease("w2"))).as("when a %s lease ends", length)
                        .extracting(Delivery::id).containsExactly(d.id());
                store.complete(d.id(), "w2", List.of(1L), clock.instant());
            }
        }

        @Test
        @DisplayName("save's lease and a renewed lease last exactly as long as they were given")
        void saveAndRenewLeaseLength() {
            Delivery d = newDelivery(1);
            Instant start = clock.instant();
            assertThat(store.save(d, leaseFor("w1", Duration.ofSeconds(11))).leased()).isTrue();
            clock.set(start.plusSeconds(11).minus(micro));
            assertThat(store.claimDue(clock.instant(), 1, lease("w2"))).as("save's 11 s lease still holds").isEmpty();
            clock.set(start.plusSeconds(11));
            assertThat(store.claimDue(clock.instant(), 1, leaseFor("w2", Duration.ofSeconds(20))))
                    .as("save's 11 s lease ended").extracting(Delivery::id).containsExactly(d.id());

            clock.advance(Duration.ofSeconds(5));
            assertThat(store.renewLeases(List.of(d.id()), leaseFor("w2", Duration.ofSeconds(75)))).containsExactly(d.id());
            Instant renewedUntil = clock.instant().plusSeconds(75);
            clock.set(renewedUntil.minus(micro));
            assertThat(store.claimDue(clock.instant(), 1, lease("w3"))).as("the renewed 75 s lease still holds").isEmpty();
            clock.set(renewedUntil);
            assertThat(store.claimDue(clock.instant(), 1, lease("w3"))).as("the renewed 75 s lease ended")
                    .extracting(Delivery::id).containsExactly(d.id());
        }

        @Test
        @DisplayName("the alert's lease is the one fail gives, not the claim's; a claimed alert's lease is the one given")
        void notifyLeaseApartFromClaimLease() {
            Delivery d = saved(1);
            Delivery claimed = store.claimDue(clock.instant(), 1, leaseFor("w1", Duration.ofSeconds(30))).get(0);
            Instant failedAt = clock.instant();
            store.fail(d.id(), "w1", failedAttempt(claimed, "chat not found", FailureClass.PERMANENT_RECIPIENT),
                    failedAt, failedAt.plusSeconds(4));

            clock.set(failedAt.plusSeconds(4).minus(micro));
            assertThat(store.claimUnnotified(clock.instant(), 10, lease("w2"))).as("the failing worker's 4 s").isEmpty();
            clock.set(failedAt.plusSeconds(4));
            assertThat(store.claimUnnotified(clock.instant(), 10, leaseFor("w2", Duration.ofSeconds(13))))
                    .as("not the claim's 30 s").extracting(Delivery::id).containsExactly(d.id());
            Instant taken = clock.instant();
            clock.set(taken.plusSeconds(13).minus(micro));
            assertThat(store.claimUnnotified(clock.instant(), 10, lease("w3"))).as("w2's 13 s").isEmpty();
            clock.set(taken.plusSeconds(13));
            assertThat(store.claimUnnotified(clock.instant(), 10, lease("w3"))).extracting(Delivery::id).containsExactly(d.id());
        }

        @Test
        @DisplayName("instants come back to the microsecond, and due times are compared to the microsecond")
        void subMillisecondInstants() {
            clock.advance(Duration.ofNanos(123_457_000));
            Delivery d = saved(1);
            assertThat(reload(d).createdAt()).isEqualTo(d.createdAt());
            Delivery claimed = claimOne("w1");
            clock.advance(Duration.ofNanos(1_000));
            Instant next = clock.instant().plusSeconds(2).plusNanos(3_000);
            store.reschedule(d.id(), "w1", AttemptState.of(claimed), next, clock.instant());

            Delivery after = reload(d);
            assertThat(after.updatedAt()).isEqualTo(clock.instant());
            assertThat(after.nextAttemptAt()).isEqualTo(next);
            assertThat(store.claimDue(next.minus(micro), 1, lease("w1"))).as("a microsecond early").isEmpty();
            clock.set(next);
            Delivery again = claimOne("w1");
            clock.advance(Duration.ofNanos(7_000));
            store.fail(d.id(), "w1", failedAttempt(again, "x", FailureClass.PERMANENT_PAYLOAD), clock.instant(), clock.instant());
            assertThat(reload(d).finishedAt()).isEqualTo(clock.instant());
            clock.advance(Duration.ofNanos(5_000));
            store.markNotified(d.id(), "w1", clock.instant());
            assertThat(reload(d).notifiedAt()).isEqualTo(clock.instant());
        }

        @Test
        @DisplayName("every payload field and send option comes back equal, parse modes of album items included")
        void everyPayloadFieldAndOption() {
            MediaSource file = MediaSource.fileId("AgAD");
            SendOptions all = SendOptions.builder()
                    .replyMarkup(ReplyMarkup.inline(List.of(List.of(ReplyMarkup.InlineButton.url("Open", "https://example.com"),
                            ReplyMarkup.InlineButton.callback("Buy ✓", "buy:42")))))
                    .silent().protectContent().messageThreadId(17)
                    .replyParameters(new SendOptions.ReplyParameters(5, -100123L, true, "quoted"))
                    .businessConnectionId("biz-1").messageEffectId("5104841245755180586").build();
            SendOptions noMarkup = all.toBuilder().replyMarkup(null).build();
            List<Payload> payloads = List.of(
                    Payload.text("*bold* text", ParseMode.MARKDOWN_V2).withOptions(all.toBuilder()
                            .linkPreview(new SendOptions.LinkPreview(false, "https://example.com/p", false, true, true)).build()),
                    Payload.text("keyboard").withOptions(SendOptions.builder().replyMarkup(new ReplyMarkup.ReplyKeyboard(
                            List.of(List.of(ReplyMarkup.KeyboardButton.text("Yes"))), true, true, true, "Pick one", true)).build()),
                    Payload.photo(file, "<i>c</i>", ParseMode.HTML).withSpoiler().withCaptionAboveMedia().withOptions(all),
                    Payload.voice(file, "_listen_", ParseMode.MARKDOWN_V2),
                    new Payload.Album(List.of(Payload.photo(file, "*first*", ParseMode.MARKDOWN_V2).withSpoiler(),
                            Payload.video(file, "<b>second</b>", ParseMode.HTML), Payload.photo(file, "third")), noMarkup),
                    new Payload.Location(51.5, -0.12, 25.5, all),
                    Payload.venue(48.85, 2.35, "Shop", "1 Rue X"),
                    new Payload.Contact("+441234", "Ann", "Lee", all),
                    new Payload.Poll("Which?", List.of("a", "b", "c"), false, true, all),
                    new Payload.Copy(-1001234567890L, 42, "<i>again</i>", ParseMode.HTML, true,
                            all.toBuilder().businessConnectionId(null).build()),
                    Payload.forward(-100, 9),
                    new Payload.Invoice("Pack", "Ten stickers", "pack-7", "EUR", List.of(new Payload.Price("Pack", 500),
                            new Payload.Price("Discount", -100)), "provider-token", "start-7", "https://example.com/p.jpg", null));
            for (Payload payload : payloads) {
                Delivery d = newDelivery(DeliveryRequest.builder(-100123, payload).build());
                store.save(d, null);
                assertThat(reload(d).request().payload()).as(payload.kind()).isEqualTo(payload);
            }
        }

        @Test
        @DisplayName("every claim hands out at most max, the alert outbox included")
        void maxOnEveryClaim() {
            List<Delivery> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(saved(1 + i));
            }
            assertThat(store.claimDue(clock.instant(), 0, lease("w1"))).as("max 0").isEmpty();
            assertThat(store.claimDue(clock.instant(), 2, lease("w1"))).hasSize(2);
            assertThat(store.claimDue(clock.instant(), 2, lease("w1"))).hasSize(2);
            assertThat(store.claimDue(clock.instant(), 2, lease("w1"))).hasSize(1);
            for (Delivery d : all) {
                store.fail(d.id(), "w1", failedAttempt(reload(d), "x", FailureClass.PERMANENT_RECIPIENT), clock.instant(),
                        clock.instant());
            }
            assertThat(store.claimUnnotified(clock.instant(), 0, lease("w2"))).as("max 0").isEmpty();
            assertThat(store.claimUnnotified(clock.instant(), 2, lease("w2"))).hasSize(2);
            assertThat(store.claimUnnotified(clock.instant(), 2, lease("w2"))).hasSize(2);
            assertThat(store.claimUnnotified(clock.instant(), 2, lease("w2"))).hasSize(1);
        }

        @Test
        @DisplayName("a null argument throws NullPointerException (only cancel's owner and save's lease may be null)")
        void nullArguments() {
            Delivery d = saved(1);
            claimOne("w1");
            Instant now = clock.instant();
            Lease lease = lease("w1");
            AttemptState state = AttemptState.of(reload(d));
            DeliveryId id = d.id();
            List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                    () -> store.save(null, null),
                    () -> store.claimDue(null, 1, lease), () -> store.claimDue(now, 1, null),
                    () -> store.renewLeases(null, lease), () -> store.renewLeases(List.of(id), null),
                    () -> store.complete(null, "w1", List.of(), now), () -> store.complete(id, null, List.of(), now),
                    () -> store.complete(id, "w1", null, now), () -> store.complete(id, "w1", List.of(), null),
                    () -> store.recordAttempt(id, "w1", null, now), () -> store.recordAttempt(id, null, state, now),
                    () -> store.reschedule(id, "w1", state, null, now), () -> store.reschedule(id, "w1", state, now, null),
                    () -> store.fail(id, "w1", state, now, null), () -> store.fail(id, "w1", null, now, now),
                    () -> store.claimUnnotified(null, 1, lease), () -> store.claimUnnotified(now, 1, null),
                    () -> store.markNotified(null, "w1", now), () -> store.markNotified(id, null, now),
                    () -> store.cancel(null, "w1", now), () -> store.cancel(id, "w1", null),
                    () -> store.redeliver(null, now), () -> store.redeliver(id, null),
                    () -> store.find(null), () -> store.findByIdempotencyKey(null), () -> store.findAll(null), () -> store.findFinal(null),
                    () -> store.purgeFinished(null, 10));
            for (int i = 0; i < calls.size(); i++) {
                assertThatNullPointerException().as("call #%d of this test's list", i + 1).isThrownBy(calls.get(i));
            }
            assertThat(reload(d).status()).as("nothing changed").isEqualTo(DeliveryStatus.IN_FLIGHT);
        }

        @Test
        @DisplayName("storage unreachable: every operation throws RetryStoreException, and the store recovers (capability: makeStorageUnreachable)")
        void storageOutage() throws Exception {
            Delivery before = saved(1);
            Delivery claimed = claimOne("w1");
            AutoCloseable outage = makeStorageUnreachable();
            Assumptions.assumeTrue(outage != null, "the adapter's test cannot make its storage unreachable");
            try {
                Instant now = clock.instant();
                List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = List.of(
                        () -> store.save(newDelivery(2), null), () -> store.saveAll(List.of(newDelivery(3))),
                        () -> store.claimDue(now, 10, lease("w2")),
                        () -> store.complete(claimed.id(), "w1", List.of(1L), now),
                        () -> store.completeAll(List.of(new Completion(claimed.id(), List.of(1L))), "w1", now),
                        () -> store.recordAttemptAll(List.of(new Attempt(claimed.id(), AttemptState.of(claimed))), "w1", now),
                        () -> store.find(before.id()),
                        () -> store.claimUnnotified(now, 10, lease("w2")), () -> store.summary(),
                        () -> store.purgeFinished(now, 10));
                for (int i = 0; i < calls.size(); i++) {
                    assertThatThrownBy(calls.get(i)).as("call #%d of this test's list", i + 1)
                            .isInstanceOf(RetryStoreException.class);
                }
            } finally {
                outage.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    assertThat(store.complete(claimed.id(), "w1", List.of(1L), clock.instant())).isTrue();
                    break;
                } catch (RetryStoreException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the store did not recover within 30 s of its storage coming back", e);
                    }
                    Thread.sleep(100);
                }
            }
            assertThat(reload(before).status()).isEqualTo(DeliveryStatus.DELIVERED);
        }
    }

    @Nested
    @DisplayName("Durability (capability: reopenStore)")
    class Durability {
        @Test
        @DisplayName("a reopened store sees every delivery, lease and owed notification")
        void survivesReopen() throws Exception {
            RetryStore reopened = reopenStore(clock);
            Assumptions.assumeTrue(reopened != null, "the store is not durable (reopenStore returns null)");
            try {
                Delivery pending = saved(1);
                Delivery failing = saved(2);
                Delivery leasedFailing = store.claimDue(clock.instant(), 10, lease("w1")).stream()
                        .filter(d -> d.id().equals(failing.id())).findFirst().orElseThrow();
                store.reschedule(pending.id(), "w1", AttemptState.of(pending), clock.instant(), clock.instant());
                store.fail(failing.id(), "w1", failedAttempt(leasedFailing, "blocked", FailureClass.PERMANENT_RECIPIENT),
                        clock.instant(), clock.instant());

                assertThat(reopened.find(pending.id())).map(Delivery::status).contains(DeliveryStatus.PENDING);
                assertThat(reopened.claimUnnotified(clock.instant(), 10, lease("w2"))).extracting(Delivery::id).containsExactly(failing.id());
                Set<DeliveryId> claimable = new HashSet<>();
                reopened.claimDue(clock.instant(), 10, lease("w2")).forEach(d -> claimable.add(d.id()));
                assertThat(claimable).containsExactly(pending.id());
            } finally {
                closeStore(reopened);
            }
        }
    }

    /** Used by adapters' own tests: an instant the kit considers "now". */
    protected Instant now() {
        return clock.instant();
    }
}
