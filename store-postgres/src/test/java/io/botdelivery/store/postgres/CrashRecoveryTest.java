package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A worker that vanishes without finishing its work")
class CrashRecoveryTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private final List<PostgresRetryStore> opened = new ArrayList<>();
    private PostgresRetryStore crashing;
    private PostgresRetryStore survivor;

    @BeforeAll
    static void migrate() {
        TestStores.migrate(PG.database());
    }

    @BeforeEach
    void twoInstances() {
        crashing = open(TestStores.emptyStore(PG.database()));
        survivor = open(TestStores.anotherStore(PG.database()));
    }

    @AfterEach
    void closeAll() {
        opened.forEach(PostgresRetryStore::close);
    }

    private PostgresRetryStore open(PostgresRetryStore store) {
        opened.add(store);
        return store;
    }

    private Lease lease(String owner) {
        return new Lease(owner, clock.instant().plus(LEASE));
    }

    private List<DeliveryId> saveDeliveries(int count) {
        List<DeliveryId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Delivery d = Delivery.accepted(DeliveryId.random(),
                    DeliveryRequest.builder(100 + i, Payload.text("pack " + i)).businessReference("order-" + i).build(), clock.instant());
            crashing.save(d, null);
            ids.add(d.id());
        }
        return ids;
    }

    @Test
    @DisplayName("its claimed batch comes back when the lease ends, and another worker delivers each entry once")
    void claimedBatchComesBack() {
        List<DeliveryId> all = saveDeliveries(30);
        Set<DeliveryId> heldByCrashed = crashing.claimDue(clock.instant(), 20, lease("crashed")).stream()
                .map(Delivery::id).collect(Collectors.toSet());
        assertThat(heldByCrashed).hasSize(20);

        crashing.close(); // the process dies: pool gone, nothing completed, nothing released

        List<Delivery> rest = survivor.claimDue(clock.instant(), 100, lease("survivor"));
        assertThat(rest).extracting(Delivery::id).doesNotContainAnyElementsOf(heldByCrashed).hasSize(10);
        rest.forEach(d -> assertThat(survivor.complete(d.id(), "survivor", List.of(1L), clock.instant())).isTrue());

        clock.advance(LEASE.minusSeconds(1));
        assertThat(survivor.claimDue(clock.instant(), 100, lease("survivor"))).as("still leased to the dead worker").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        List<Delivery> recovered = survivor.claimDue(clock.instant(), 100, lease("survivor"));
        assertThat(recovered).extracting(Delivery::id).containsExactlyInAnyOrderElementsOf(heldByCrashed);
        recovered.forEach(d -> assertThat(survivor.complete(d.id(), "survivor", List.of(2L), clock.instant())).isTrue());

        assertThat(survivor.summary().count(DeliveryStatus.DELIVERED)).isEqualTo(all.size());
        assertThat(survivor.claimDue(clock.instant().plus(Duration.ofHours(1)), 100, lease("survivor"))).isEmpty();
    }

    @Test
    @DisplayName("the dead worker, come back as a slow zombie, cannot overwrite what the survivor did")
    void zombieCannotOverwrite() {
        DeliveryId id = saveDeliveries(1).get(0);
        crashing.claimDue(clock.instant(), 1, lease("crashed"));
        crashing.close();
        clock.advance(LEASE);
        Delivery taken = survivor.claimDue(clock.instant(), 1, lease("survivor")).get(0);
        survivor.complete(id, "survivor", List.of(7L), clock.instant());

        PostgresRetryStore zombie = open(TestStores.anotherStore(PG.database()));
        AttemptState stale = new AttemptState(1, taken.chatId(), 0, List.of(), "timeout", FailureClass.TRANSIENT);

        assertThat(zombie.complete(id, "crashed", List.of(99L), clock.instant())).isFalse();
        assertThat(zombie.reschedule(id, "crashed", stale, clock.instant(), clock.instant())).isFalse();
        assertThat(zombie.fail(id, "crashed", stale, clock.instant(), clock.instant())).isFalse();
        Delivery after = survivor.find(id).orElseThrow();
        assertThat(after.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(after.messageIds()).containsExactly(7L);
    }

    @Test
    @DisplayName("the alert for a delivery that failed just before the crash is sent exactly once, by another worker")
    void owedAlertSentExactlyOnce() throws Exception {
        DeliveryId id = saveDeliveries(1).get(0);
        Delivery claimed = crashing.claimDue(clock.instant(), 1, lease("crashed")).get(0);
        AttemptState blocked = new AttemptState(1, claimed.chatId(), 0, List.of(), "Forbidden: bot was blocked by the user",
                FailureClass.PERMANENT_RECIPIENT);
        assertThat(crashing.fail(id, "crashed", blocked, clock.instant(), clock.instant().plus(LEASE))).isTrue();
        crashing.close(); // dies between "FAILED, alert owed" and sending the alert

        RecordingNotifier notifier = new RecordingNotifier();
        PostgresRetryStore restarted = open(TestStores.anotherStore(PG.database()));
        List<PostgresRetryStore> workers = List.of(survivor, restarted);
        for (int minute = 0; minute < 10; minute++) {
            for (PostgresRetryStore worker : workers) {
                String owner = worker == survivor ? "survivor" : "restarted";
                for (Delivery owed : worker.claimUnnotified(clock.instant(), 10, lease(owner))) {
                    notifier.deliveryFailed(owed);
                    assertThat(worker.markNotified(owed.id(), owner, clock.instant())).isTrue();
                }
            }
            clock.advance(Duration.ofSeconds(20));
        }

        assertThat(notifier.alertsFor(id)).isEqualTo(1);
        Delivery alerted = notifier.alerts().get(0);
        assertThat(alerted.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(alerted.lastErrorClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT);
        assertThat(alerted.request().businessReference()).isEqualTo("order-0");
        assertThat(survivor.find(id).orElseThrow().notifiedAt()).isNotNull();
    }

    @Test
    @DisplayName("an alert sent but not yet recorded when the worker died is sent once more, and never a third time")
    void alertSentButNotRecordedIsRepeatedOnce() throws Exception {
        DeliveryId id = saveDeliveries(1).get(0);
        Delivery claimed = crashing.claimDue(clock.instant(), 1, lease("crashed")).get(0);
        crashing.fail(id, "crashed", new AttemptState(10, claimed.chatId(), 0, List.of(), "gave up", FailureClass.ATTEMPTS_EXHAUSTED),
                clock.instant(), clock.instant().plus(LEASE));
        RecordingNotifier notifier = new RecordingNotifier();
        notifier.deliveryFailed(crashing.find(id).orElseThrow());
        crashing.close(); // dies before markNotified

        clock.advance(LEASE);
        for (int round = 0; round < 3; round++) {
            for (Delivery owed : survivor.claimUnnotified(clock.instant(), 10, lease("survivor"))) {
                notifier.deliveryFailed(owed);
                survivor.markNotified(owed.id(), "survivor", clock.instant());
            }
            clock.advance(LEASE);
        }

        assertThat(notifier.alertsFor(id)).isEqualTo(2);
    }
}
