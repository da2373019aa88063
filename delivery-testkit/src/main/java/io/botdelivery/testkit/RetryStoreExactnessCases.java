package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.SendOptions;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LeasedWrites.Attempt;
import io.botdelivery.core.spi.LeasedWrites.Completion;
import io.botdelivery.core.spi.RetryStoreException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The group of {@link RetryStoreContract} that checks what careless stores get wrong, across every operation: lease
 * lengths kept exactly (claim, save, renewal, the alert's lease), instants kept to the microsecond, every payload field
 * and send option kept, {@code max} on every claim, nulls refused, and outages reported as {@code RetryStoreException}
 * (capability: {@link #makeStorageUnreachable}).
 *
 * <p>Why apart: it cuts across the port's roles instead of following one, and is a file's worth on its own. One link of
 * the chain {@link RetryStoreContract} is spread over (see {@link RetryStoreContractFixture}); adapters extend
 * {@link RetryStoreContract}, not this.
 */
public abstract class RetryStoreExactnessCases extends RetryStoreBatchedWriteCases {

    /** Package-private: only the next class of the chain extends this. */
    RetryStoreExactnessCases() {
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
}
