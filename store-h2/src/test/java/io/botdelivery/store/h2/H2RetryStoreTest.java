package io.botdelivery.store.h2;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStoreException;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the contract kit does not cover: H2's own precision, bad rows, outages and two processes on one database. */
@DisplayName("H2RetryStore")
class H2RetryStoreTest {
    private final String name = "h2test_" + UUID.randomUUID().toString().replace('-', '_');
    private final String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Instant now = Instant.parse("2026-03-01T10:00:00.123456789Z");

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private H2RetryStore store() {
        H2RetryStore store = H2RetryStore.inMemory(name);
        opened.add(store);
        return store;
    }

    private Delivery delivery(Payload payload, Instant at) {
        return Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(555, payload).businessReference("order-7")
                .build(), at);
    }

    @Test
    @DisplayName("keeps instants to the nanosecond: what it returns is what it reads back")
    void nanosecondInstants() {
        H2RetryStore store = store();
        Delivery d = delivery(Payload.text("hi"), now);
        store.save(d, null);
        Instant until = now.plusNanos(30_000_000_001L);
        Delivery claimed = store.claimDue(now, 1, new Lease("w1", until)).get(0);
        Instant next = now.plusNanos(999);
        store.reschedule(d.id(), "w1", AttemptState.of(claimed), next, now.plusNanos(1));

        Delivery back = store.find(d.id()).orElseThrow();
        assertThat(back.createdAt()).isEqualTo(now);
        assertThat(back.nextAttemptAt()).isEqualTo(next);
        assertThat(back.updatedAt()).isEqualTo(now.plusNanos(1));
        assertThat(store.claimDue(next.minusNanos(1), 1, new Lease("w1", until))).as("one nanosecond early").isEmpty();
        assertThat(store.claimDue(next, 1, new Lease("w1", until))).hasSize(1);
    }

    @Test
    @DisplayName("moves an unreadable row to FAILED (UNREADABLE) with an alert owed; the readable ones still go out")
    void unreadableRows() throws Exception {
        H2RetryStore store = store();
        Delivery fine = delivery(Payload.text("fine"), now);
        Delivery fromTheFuture = delivery(Payload.text("written by v9"), now.plusMillis(1));
        store.save(fine, null);
        store.save(fromTheFuture, null);
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             PreparedStatement s = c.prepareStatement("UPDATE delivery SET payload = ? WHERE id = ?")) {
            s.setString(1, "{\"v\":9,\"kind\":\"hologram\"}");
            s.setString(2, fromTheFuture.id().value().toString());
            assertThat(s.executeUpdate()).isEqualTo(1);
        }

        assertThat(store.claimDue(now.plusSeconds(1), 10, new Lease("w1", now.plusSeconds(30))))
                .extracting(Delivery::id).containsExactly(fine.id());

        Delivery failed = store.find(fromTheFuture.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(failed.lastErrorClass()).isEqualTo(FailureClass.UNREADABLE);
        assertThat(failed.lastError()).contains("format version 9");
        assertThat(((Payload.Text) failed.request().payload()).text()).contains("Unreadable delivery", "order-7");
        assertThat(store.claimUnnotified(now.plusSeconds(1), 10, new Lease("n1", now.plusSeconds(30))))
                .extracting(Delivery::id).containsExactly(fromTheFuture.id());
    }

    @Test
    @DisplayName("two processes (two pools) on one database never claim the same delivery")
    void twoProcesses() throws Exception {
        H2RetryStore first = store();
        H2RetryStore second = store();
        int total = 200;
        for (int i = 0; i < total; i++) {
            first.save(delivery(Payload.text("n" + i), now), null);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<DeliveryId>>> claims = new ArrayList<>();
        for (H2RetryStore store : List.of(first, second)) {
            claims.add(pool.submit(() -> {
                List<DeliveryId> mine = new ArrayList<>();
                List<Delivery> batch;
                while (!(batch = store.claimDue(now, 5, new Lease(store.toString() + mine.size(), now.plusSeconds(30)))).isEmpty()) {
                    batch.forEach(d -> mine.add(d.id()));
                }
                return mine;
            }));
        }
        Set<DeliveryId> all = new HashSet<>();
        int count = 0;
        for (Future<List<DeliveryId>> f : claims) {
            List<DeliveryId> mine = f.get(60, TimeUnit.SECONDS);
            all.addAll(mine);
            count += mine.size();
        }
        pool.shutdown();
        assertThat(count).as("claims in all").isEqualTo(total);
        assertThat(all).as("distinct deliveries claimed").hasSize(total);
    }

    @Test
    @DisplayName("an H2 server that went away surfaces as RetryStoreException, and the store works again when it is back")
    void outage() throws Exception {
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        int port = server.getPort();
        String tcpUrl = "jdbc:h2:tcp://localhost:" + port + "/mem:" + name + ";DB_CLOSE_DELAY=-1";
        H2RetryStore store = H2RetryStore.open(tcpUrl, "sa", "");
        opened.add(store);
        Delivery d = delivery(Payload.text("hi"), now);
        store.save(d, null);

        server.stop();
        assertThatThrownBy(() -> store.find(d.id())).isInstanceOf(RetryStoreException.class);
        assertThatThrownBy(() -> store.claimDue(now, 1, new Lease("w1", now.plusSeconds(30))))
                .isInstanceOf(RetryStoreException.class);

        Server again = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
        opened.add(again::stop);
        // the in-memory database lives in this JVM, so it survived its server
        assertThat(store.find(d.id())).map(Delivery::status).contains(DeliveryStatus.PENDING);
    }
}
