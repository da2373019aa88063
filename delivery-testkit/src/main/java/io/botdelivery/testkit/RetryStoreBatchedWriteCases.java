package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.LeasedWrites.Attempt;
import io.botdelivery.core.spi.LeasedWrites.Completion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The groups of {@link RetryStoreContract} for the batched writes under a lease, {@code completeAll} and
 * {@code recordAttemptAll}: each delivery's lease is checked on its own, the rest of a batch is written when one lease
 * was lost, the ones not written are answered in the order given, and nothing is written on a null or a repeated id.
 *
 * <p>Why together: both groups check the same rules of {@code LeasedWrites}' batches. One link of the chain
 * {@link RetryStoreContract} is spread over (see {@link RetryStoreContractFixture}); adapters extend
 * {@link RetryStoreContract}, not this.
 */
public abstract class RetryStoreBatchedWriteCases extends RetryStoreSaveAllCases {

    /** Package-private: only the next class of the chain extends this. */
    RetryStoreBatchedWriteCases() {
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
}
