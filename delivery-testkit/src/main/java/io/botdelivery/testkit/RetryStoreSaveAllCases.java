package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.core.spi.RetryStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The group of {@link RetryStoreContract} for {@code saveAll}: a batch keeps {@code save}'s idempotency (keys stored
 * before it or repeated inside it), answers in the order given and is claimed in that order, keeps values a batch
 * statement must quote, is stored whole above one statement's size, and stores nothing on a null.
 *
 * <p>Why apart: the batch intake has no lease to check, unlike the batched writes, and its group alone is a file's
 * worth. One link of the chain {@link RetryStoreContract} is spread over (see {@link RetryStoreContractFixture});
 * adapters extend {@link RetryStoreContract}, not this.
 */
public abstract class RetryStoreSaveAllCases extends RetryStoreLifecycleCases {

    /** Package-private: only the next class of the chain extends this. */
    RetryStoreSaveAllCases() {
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
}
