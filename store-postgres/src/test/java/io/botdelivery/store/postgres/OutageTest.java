package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@DisplayName("When PostgreSQL goes away")
class OutageTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    private PostgresRetryStore store;

    @BeforeAll
    static void migrate() {
        TestStores.migrate(PG.database());
    }

    @BeforeEach
    void open() {
        store = TestStores.emptyStore(PG.database());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Delivery newDelivery(String text) {
        return Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(9, Payload.text(text)).build(), clock.instant());
    }

    private Lease lease() {
        return new Lease("w1", clock.instant().plusSeconds(30));
    }

    @Test
    @DisplayName("every operation throws RetryStoreException, and the store works again, data intact, once the server is back")
    void serverDownAndBack() {
        Delivery before = newDelivery("saved before the outage");
        store.save(before, null);
        Delivery claimed = store.claimDue(clock.instant(), 1, lease()).get(0);

        PG.server().stop();

        assertThatThrownBy(() -> store.save(newDelivery("during"), null)).isInstanceOf(RetryStoreException.class);
        assertThatThrownBy(() -> store.claimDue(clock.instant(), 10, lease())).isInstanceOf(RetryStoreException.class);
        assertThatThrownBy(() -> store.complete(claimed.id(), "w1", List.of(1L), clock.instant()))
                .isInstanceOf(RetryStoreException.class).hasMessageContaining("retry later");
        assertThatThrownBy(() -> store.find(before.id())).isInstanceOf(RetryStoreException.class);
        assertThatThrownBy(() -> store.summary()).isInstanceOf(RetryStoreException.class);

        PG.server().start();

        // the outcome the worker kept in memory is written once the store answers again
        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(RetryStoreException.class)
                .until(() -> store.complete(claimed.id(), "w1", List.of(1L), clock.instant()));
        assertThat(store.find(before.id()).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        Delivery after = newDelivery("saved after the outage");
        assertThat(store.save(after, null).created()).isTrue();
        assertThat(store.claimDue(clock.instant(), 10, lease())).extracting(Delivery::id).containsExactly(after.id());
    }

    @Test
    @DisplayName("connections cut under it cost at most a RetryStoreException per call, never a lost or doubled write")
    void connectionsTerminated() {
        Delivery d = newDelivery("pack");
        store.save(d, null);
        Delivery claimed = store.claimDue(clock.instant(), 1, lease()).get(0);

        assertThat(PG.terminateBackends()).isGreaterThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(RetryStoreException.class)
                .until(() -> store.complete(claimed.id(), "w1", List.of(5L), clock.instant()));
        assertThat(store.complete(claimed.id(), "w1", List.of(6L), clock.instant())).as("repeating is harmless").isFalse();
        Delivery done = store.find(d.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(done.messageIds()).containsExactly(5L);
    }

    @Test
    @DisplayName("a store cannot start while the server is down, and says so with RetryStoreException")
    void cannotStartWhileDown() {
        PG.server().stop();

        assertThatThrownBy(() -> TestStores.anotherStore(PG.database()))
                .isInstanceOf(RetryStoreException.class).hasMessageContaining("unreachable");
    }
}
