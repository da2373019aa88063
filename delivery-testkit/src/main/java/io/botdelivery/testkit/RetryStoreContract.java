package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.RetryStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RetryStore} must do; the rules themselves are stated in the port's Javadoc ({@link RetryStore}
 * and its roles), this kit checks them. An adapter's test extends this class and implements {@link #createStore};
 * the kit moves a {@link MutableClock} instead of sleeping. Optional behaviour is a capability: override
 * {@link #reopenStore} to declare a durable store, and {@link #makeStorageUnreachable} to have outages checked; the
 * tests needing them are skipped otherwise. Every test has a time limit ({@link KitTimeLimit}, 60 s), so a store that hangs fails the kit
 * instead of stalling the build.
 *
 * <p>The groups are spread over a chain of superclasses, one seam of the port each, so that no file grows too long:
 * {@link RetryStoreContractFixture} (the hooks above, the helpers) &larr; {@link RetryStoreLifecycleCases} (one
 * delivery, one call at a time) &larr; {@link RetryStoreSaveAllCases} &larr; {@link RetryStoreBatchedWriteCases}
 * ({@code completeAll}, {@code recordAttemptAll}) &larr; {@link RetryStoreExactnessCases} &larr; this class (cancelling
 * and redelivering, retention, queries, durability). JUnit runs the {@code @Nested} groups a test class inherits as
 * well as its own, so extending this class runs them all. Extend this class, never one of the chain.
 */
public abstract class RetryStoreContract extends RetryStoreExactnessCases {

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
}
