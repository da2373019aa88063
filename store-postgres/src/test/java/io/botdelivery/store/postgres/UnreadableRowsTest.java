package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A stored delivery that cannot be read")
class UnreadableRowsTest {

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

    private Delivery save(Payload payload, String reference) {
        Delivery d = Delivery.accepted(DeliveryId.random(),
                DeliveryRequest.builder(555, payload).businessReference(reference).build(), clock.instant());
        store.save(d, null);
        clock.advance(Duration.ofMillis(1));
        return d;
    }

    /** What an operator's typo, a disk fault or a newer release could leave in the table. */
    private void corrupt(Delivery d, String setClause) {
        TestStores.execute(PG.database(), "UPDATE " + TestStores.SCHEMA + ".delivery SET " + setClause
                + " WHERE id = '" + d.id() + "'");
    }

    private Lease lease() {
        return new Lease("w1", clock.instant().plusSeconds(30));
    }

    @Test
    @DisplayName("is moved to FAILED (UNREADABLE) with its reason and an alert owed, while the readable ones around it go out")
    void unreadableRowsFailAndTheWorkerKeepsGoing() throws Exception {
        Delivery first = save(Payload.text("fine"), "order-1");
        Delivery fromTheFuture = save(Payload.text("written by v9"), "order-2");
        Delivery brokenMedia = save(Payload.photo(MediaSource.fileId("AgAD")), "order-3");
        Path receipt = Files.createTempFile("receipt", ".pdf");
        Files.writeString(receipt, "%PDF");
        Delivery fileGone = save(Payload.document(MediaSource.file(receipt)), "order-4");
        Delivery unknownClass = save(Payload.text("odd error class"), "order-5");
        Delivery last = save(Payload.text("also fine"), "order-6");
        corrupt(fromTheFuture, "payload = '{\"v\": 9, \"kind\": \"sticker\", \"emoji\": \"x\"}'");
        corrupt(brokenMedia, "payload = '{\"v\": 1, \"kind\": \"photo\", \"parseMode\": \"PLAIN\"}'");
        Files.delete(receipt);
        corrupt(unknownClass, "last_error_class = 'SOMETHING_NEWER'");

        List<Delivery> claimed = store.claimDue(clock.instant(), 10, lease());

        assertThat(claimed).extracting(Delivery::id).containsExactly(first.id(), last.id());
        claimed.forEach(d -> assertThat(store.complete(d.id(), "w1", List.of(1L), clock.instant())).isTrue());
        Map<DeliveryId, Delivery> failed = store.recentFailures(10).stream()
                .collect(Collectors.toMap(Delivery::id, Function.identity()));
        assertThat(failed).containsOnlyKeys(fromTheFuture.id(), brokenMedia.id(), fileGone.id(), unknownClass.id());
        assertThat(failed.values()).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.lastErrorClass()).isEqualTo(FailureClass.UNREADABLE);
            assertThat(d.notifiedAt()).isNull();
            assertThat(d.chatId()).isEqualTo(555);
        });
        assertThat(failed.get(fromTheFuture.id()).lastError()).contains("version 9").contains("newer version");
        assertThat(failed.get(brokenMedia.id()).lastError()).contains("source");
        assertThat(failed.get(fileGone.id()).lastError()).contains("readable file");
        assertThat(failed.get(unknownClass.id()).lastError()).contains("SOMETHING_NEWER");
        assertThat(store.claimDue(clock.instant().plusSeconds(3600), 10, new Lease("w2", clock.instant().plusSeconds(7200))))
                .as("never handed out as work again").isEmpty();
    }

    @Test
    @DisplayName("owes one alert: a stand-in carrying the readable columns and a text that says what is wrong")
    void alertIsAStandIn() {
        Delivery broken = save(Payload.text("will break"), "order-77");
        corrupt(broken, "payload = '[1, 2, 3]'");
        store.claimDue(clock.instant(), 10, lease());

        List<Delivery> owed = store.claimUnnotified(clock.instant(), 10, new Lease("notifier", clock.instant().plusSeconds(30)));

        assertThat(owed).hasSize(1);
        Delivery alert = owed.get(0);
        assertThat(alert.id()).isEqualTo(broken.id());
        assertThat(alert.request().businessReference()).isEqualTo("order-77");
        assertThat(alert.request().idempotencyKey()).isEqualTo(broken.request().idempotencyKey());
        assertThat(alert.request().payload()).isInstanceOfSatisfying(Payload.Text.class, text -> assertThat(text.text())
                .contains("Unreadable delivery " + broken.id()).contains("order-77").contains("not a JSON object"));
        assertThat(alert.lastError()).contains("not a JSON object");
        assertThat(store.markNotified(broken.id(), "notifier", clock.instant())).isTrue();
        assertThat(store.claimUnnotified(clock.instant().plusSeconds(3600), 10, lease())).isEmpty();
    }

    @Test
    @DisplayName("is shown by find as a stand-in even before a worker touched it, instead of failing the query")
    void findShowsAStandIn() {
        Delivery broken = save(Payload.text("will break"), "order-8");
        corrupt(broken, "payload = '{\"kind\": \"text\"}'");

        Delivery found = store.find(broken.id()).orElseThrow();

        assertThat(found.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(found.request().payload()).isInstanceOfSatisfying(Payload.Text.class,
                text -> assertThat(text.text()).contains("no format version"));
        assertThat(store.findByIdempotencyKey(broken.request().idempotencyKey())).map(Delivery::id).contains(broken.id());
    }
}
