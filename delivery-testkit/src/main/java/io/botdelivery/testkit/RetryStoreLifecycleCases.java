package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.RetryStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The groups of {@link RetryStoreContract} that follow one delivery through the store, one call at a time: saving it
 * (one delivery per idempotency key, a lease given at once, payloads kept), claiming it (due time, leases, order,
 * ordering keys, concurrent claimers), completing, rescheduling and recording attempts under its lease, and failing it
 * with the alert it owes.
 *
 * <p>Why first: the batch and exactness groups build on these rules. One link of the chain {@link RetryStoreContract}
 * is spread over (see {@link RetryStoreContractFixture}); adapters extend {@link RetryStoreContract}, not this.
 */
public abstract class RetryStoreLifecycleCases extends RetryStoreContractFixture {

    /** Package-private: only the next class of the chain extends this. */
    RetryStoreLifecycleCases() {
    }

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
}
