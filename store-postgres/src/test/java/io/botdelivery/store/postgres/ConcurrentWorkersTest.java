package io.botdelivery.store.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LeasedWrites.Attempt;
import io.botdelivery.core.spi.LeasedWrites.Completion;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Many workers on separate pools")
class ConcurrentWorkersTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private static final int ENTRIES = 20_000;
    private static final int WORKERS = 4;
    private static final int BATCH = 50;

    private final List<PostgresRetryStore> stores = new ArrayList<>();

    @BeforeAll
    static void migrate() {
        TestStores.migrate(PG.database());
    }

    @BeforeEach
    void openOneStorePerWorker() {
        stores.add(TestStores.emptyStore(PG.database()));
        for (int i = 1; i < WORKERS; i++) {
            stores.add(TestStores.anotherStore(PG.database()));
        }
    }

    @AfterEach
    void closeStores() {
        stores.forEach(PostgresRetryStore::close);
    }

    @Test
    @DisplayName("4 workers claim and complete 20,000 entries: each is completed exactly once and never claimed twice while leased")
    void eachEntryCompletedExactlyOnce() throws Exception {
        TestStores.insertPending(PG.database(), ENTRIES, Instant.now());
        Map<DeliveryId, String> claimedBy = new ConcurrentHashMap<>();
        List<String> doubleClaims = Collections.synchronizedList(new ArrayList<>());
        List<DeliveryId> refusedCompletions = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger completed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> running = new ArrayList<>();

        for (int w = 0; w < WORKERS; w++) {
            PostgresRetryStore store = stores.get(w);
            String owner = "worker-" + w;
            running.add(threads.submit(() -> {
                List<Delivery> batch;
                // leases far longer than the test: any second claim of an entry would be a claim of a leased entry
                while (!(batch = store.claimDue(Instant.now(), BATCH, new Lease(owner, Instant.now().plus(Duration.ofMinutes(10))))).isEmpty()) {
                    for (Delivery d : batch) {
                        String previous = claimedBy.putIfAbsent(d.id(), owner);
                        if (previous != null) {
                            doubleClaims.add(d.id() + " by " + previous + " and " + owner);
                        }
                        if (store.complete(d.id(), owner, List.of(42L), Instant.now())) {
                            completed.incrementAndGet();
                        } else {
                            refusedCompletions.add(d.id());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(5, TimeUnit.MINUTES);
        }
        threads.shutdown();

        assertThat(doubleClaims).as("entries claimed by two workers while leased").isEmpty();
        assertThat(refusedCompletions).as("completions refused").isEmpty();
        assertThat(claimedBy).hasSize(ENTRIES);
        assertThat(completed.get()).isEqualTo(ENTRIES);
        assertThat(stores.get(0).summary().count(DeliveryStatus.DELIVERED)).isEqualTo(ENTRIES);
        assertThat(stores.get(0).summary().oldestPending()).isEmpty();
        assertThat(claimedBy.values().stream().distinct().count()).as("every worker took part").isEqualTo(WORKERS);
    }

    @Test
    @DisplayName("one worker's lease renewals and its batched writes on the same rows, racing in opposite orders, never deadlock")
    void renewalsAndBatchesDoNotDeadlock() throws Exception {
        PostgresRetryStore store = stores.get(0);
        int rows = 2_000;
        TestStores.insertPending(PG.database(), rows, Instant.now());
        String owner = "worker-0";
        List<Delivery> held = store.claimDue(Instant.now(), rows, new Lease(owner, Instant.now().plus(Duration.ofMinutes(10))));
        assertThat(held).hasSize(rows);
        List<DeliveryId> ids = held.stream().map(Delivery::id).toList();
        List<Delivery> reversed = new ArrayList<>(held);
        Collections.reverse(reversed);
        List<RetryStoreException> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            Future<?> renewing = threads.submit(() -> {
                for (int round = 0; round < 30; round++) {
                    try {
                        store.renewLeases(ids, new Lease(owner, Instant.now().plus(Duration.ofMinutes(10))));
                    } catch (RetryStoreException e) {
                        failures.add(e);
                    }
                }
            });
            Future<?> marking = threads.submit(() -> {
                for (int round = 0; round < 3; round++) {
                    for (int from = 0; from < rows; from += 20) {
                        List<Attempt> batch = reversed.subList(from, from + 20).stream()
                                .map(d -> new Attempt(d.id(), AttemptState.of(d).withSendStarted(true))).toList();
                        try {
                            store.recordAttemptAll(batch, owner, Instant.now());
                        } catch (RetryStoreException e) {
                            failures.add(e);
                        }
                    }
                }
            });
            Future<?> completing = threads.submit(() -> {
                for (int from = 0; from < rows; from += 20) {
                    List<Completion> batch = reversed.subList(from, from + 20).stream()
                            .map(d -> new Completion(d.id(), List.of(1L))).toList();
                    try {
                        store.completeAll(batch, owner, Instant.now());
                    } catch (RetryStoreException e) {
                        failures.add(e);
                    }
                }
            });
            renewing.get(5, TimeUnit.MINUTES);
            marking.get(5, TimeUnit.MINUTES);
            completing.get(5, TimeUnit.MINUTES);
        } finally {
            threads.shutdown();
        }

        assertThat(failures).as("writes PostgreSQL gave up (deadlocks)").isEmpty();
        assertThat(store.summary().count(DeliveryStatus.DELIVERED)).isEqualTo(rows);
    }
}
