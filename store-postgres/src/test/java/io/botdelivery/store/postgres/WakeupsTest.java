package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("LISTEN/NOTIFY wake-ups")
class WakeupsTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private PostgresRetryStore submitter;
    private PostgresRetryStore worker;
    private final AtomicInteger wakeups = new AtomicInteger();

    @BeforeAll
    static void migrate() {
        TestStores.migrate(PG.database());
    }

    @BeforeEach
    void twoInstances() {
        submitter = TestStores.emptyStore(PG.database());
        worker = TestStores.anotherStore(PG.database());
        worker.onNewWork(wakeups::incrementAndGet);
        // The listener wakes its subscribers once when it connects, which may be before the line above subscribed: so
        // notify until one wake-up is heard (waiting for that first wake-up alone failed now and then), then count.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (wakeups.get() == 0) {
                TestStores.execute(PG.database(), "SELECT pg_notify('" + TestStores.SCHEMA + "_new_work', '')");
            }
            return wakeups.get() >= 1;
        });
        wakeups.set(0);
    }

    @AfterEach
    void close() {
        submitter.close();
        worker.close();
    }

    private Delivery save(String text) {
        Delivery d = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(3, Payload.text(text)).build(), Instant.now());
        submitter.save(d, null);
        return d;
    }

    @Test
    @DisplayName("a delivery saved on one instance wakes the workers of another")
    void saveWakesOtherInstance() {
        save("new work");

        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() >= 1);
    }

    @Test
    @DisplayName("a burst of saves is announced in a few notifications, not one per save")
    void burstIsMerged() {
        for (int i = 0; i < 200; i++) {
            save("burst " + i);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() >= 1);
        assertThat(wakeups.get()).isLessThan(200);
    }

    @Test
    @DisplayName("redelivering a failed delivery wakes the workers")
    void redeliverWakes() {
        Delivery d = save("will fail");
        Lease lease = new Lease("w1", Instant.now().plusSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() >= 1);
        submitter.claimDue(Instant.now(), 1, lease);
        submitter.fail(d.id(), "w1", new AttemptState(1, 3, 0, List.of(), "chat not found", FailureClass.PERMANENT_RECIPIENT),
                Instant.now(), Instant.now());
        wakeups.set(0);

        assertThat(submitter.redeliver(d.id(), Instant.now())).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() >= 1);
    }

    @Test
    @DisplayName("after the server restarts, the listener reconnects, wakes its subscribers, and hears new work again")
    void survivesRestart() {
        PG.server().restart();

        await().atMost(Duration.ofSeconds(20)).until(() -> wakeups.get() >= 1);
        wakeups.set(0);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            save("after the restart");
            return true;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() >= 1);
    }

    @Test
    @DisplayName("an unsubscribed callback is not called any more")
    void unsubscribe() throws Exception {
        AtomicInteger other = new AtomicInteger();
        AutoCloseable subscription = worker.onNewWork(other::incrementAndGet);
        subscription.close();

        save("nobody extra listens");

        await().atMost(Duration.ofSeconds(10)).until(() -> wakeups.get() >= 1);
        assertThat(other.get()).isZero();
    }
}
