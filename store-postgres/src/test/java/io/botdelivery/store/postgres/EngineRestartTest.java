package io.botdelivery.store.postgres;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.ThreadPoolTaskScheduler;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.ScriptedSender;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine over store-postgres, restarted in the middle of a run: a new engine instance on the same database
 * finishes the work, loses nothing, and never sends again a delivery that was completed.
 */
@DisplayName("The engine on PostgreSQL, restarted mid-run")
class EngineRestartTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private static final int DELIVERIES = 400;
    private static final int SENDS_PER_SECOND = 100;

    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RecordingNotifier notifier = new RecordingNotifier();

    @BeforeAll
    static void migrate() {
        TestStores.migrate(PG.database());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** One engine instance: its own store (pool), scheduler, worker id and sender. */
    private final class Instance {
        final PostgresRetryStore store;
        final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler(8);
        final ScriptedSender sender = new ScriptedSender(clock);
        final DeliveryEngine engine;

        /** Opened once every delivery is submitted, so the run cannot finish before the test interrupts it. */
        final CountDownLatch submitted = new CountDownLatch(1);

        Instance(String name, PostgresRetryStore store, EngineConfig config) {
            this.store = store;
            sender.otherwise(request -> {
                try {
                    submitted.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new SendOutcome.Transient("interrupted");
                }
                return sender.deliverAll(request);
            });
            this.engine = DeliveryEngine.builder().store(store).limiter(new PacedLimiter(SENDS_PER_SECOND)).sender(sender)
                    .notifier(notifier).clock(clock).scheduler(scheduler).config(config.withWorkerId(name)).build().start();
            store.onNewWork(engine::wakeUp);
            toClose.add(scheduler);
            toClose.add(store);
        }

        Set<DeliveryId> sent() {
            return sender.calls().stream().map(c -> c.request().deliveryId()).collect(Collectors.toSet());
        }
    }

    private static EngineConfig config() {
        // a short lease so a crashed instance's deliveries come back within seconds; maxBuffered below the run's size
        // so that part of the work waits in the store and is claimed by the poller
        return EngineConfig.defaults().withMaxInlineWait(Duration.ofSeconds(1)).withLeaseLength(Duration.ofSeconds(3))
                .withPollInterval(Duration.ofMillis(200)).withMaxBuffered(200).withShutdownGrace(Duration.ofSeconds(5));
    }

    private List<DeliveryId> submitAll(Instance instance) {
        List<DeliveryId> ids = new ArrayList<>();
        for (int i = 0; i < DELIVERIES; i++) {
            ids.add(instance.engine.submit(DeliveryRequest.builder(1 + (i % 60), Payload.text("pack " + i))
                    .idempotencyKey("order-" + i).build()).id());
        }
        instance.submitted.countDown();
        return ids;
    }

    private static long delivered(PostgresRetryStore store) {
        return store.summary().count(DeliveryStatus.DELIVERED);
    }

    private Set<DeliveryId> idsWithStatus(String status) throws SQLException {
        Set<DeliveryId> ids = new HashSet<>();
        try (Connection c = PG.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM " + TestStores.SCHEMA + ".delivery WHERE status = '" + status + "'")) {
            while (rs.next()) {
                ids.add(new DeliveryId(rs.getObject(1, UUID.class)));
            }
        }
        return ids;
    }

    private void assertEverythingDeliveredOnce(PostgresRetryStore store, List<DeliveryId> submitted) {
        QueueSummary summary = store.summary();
        assertThat(summary.count(DeliveryStatus.DELIVERED)).isEqualTo(DELIVERIES);
        assertThat(summary.total()).isEqualTo(DELIVERIES);
        assertThat(summary.oldestPending()).isEmpty();
        assertThat(notifier.alerts()).isEmpty();
        assertThat(submitted).doesNotHaveDuplicates().hasSize(DELIVERIES);
    }

    @Test
    @DisplayName("closed and replaced by a new instance: every delivery is sent exactly once")
    void gracefulRestart() {
        Instance first = new Instance("first", TestStores.emptyStore(PG.database()), config());
        List<DeliveryId> submitted = submitAll(first);
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(first.store) >= DELIVERIES / 4);

        first.engine.close();
        long deliveredByFirst = delivered(first.store);
        first.store.close();
        Instance second = new Instance("second", TestStores.anotherStore(PG.database()), config());
        second.submitted.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(second.store) == DELIVERIES);

        assertEverythingDeliveredOnce(second.store, submitted);
        assertThat(deliveredByFirst).as("the restart happened mid-run").isLessThan(DELIVERIES);
        assertThat(second.sent()).as("the second instance did part of the work").isNotEmpty()
                .doesNotContainAnyElementsOf(first.sent());
        Map<DeliveryId, Long> sendsPerDelivery = new ArrayList<>(first.sender.calls()) {{ addAll(second.sender.calls()); }}
                .stream().collect(Collectors.groupingBy(c -> c.request().deliveryId(), Collectors.counting()));
        assertThat(sendsPerDelivery).hasSize(DELIVERIES).allSatisfy((id, sends) -> assertThat(sends).as("sends of " + id).isEqualTo(1));
    }

    @Test
    @DisplayName("killed without closing: a new instance finishes the work, loses nothing and never resends a completed delivery")
    void crashAndRestart() throws Exception {
        Instance first = new Instance("crashing", TestStores.emptyStore(PG.database()), config());
        List<DeliveryId> submitted = submitAll(first);
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(first.store) >= DELIVERIES / 4);

        // the process dies: its threads stop and its connections go, with leases held and sends possibly on the wire
        first.scheduler.shutdown(Duration.ZERO);
        first.store.close();
        Set<DeliveryId> completedBeforeCrash = idsWithStatus("DELIVERED");
        Set<DeliveryId> inFlightAtCrash = idsWithStatus("IN_FLIGHT");
        Instance second = new Instance("restarted", TestStores.anotherStore(PG.database()), config());
        second.submitted.countDown();
        await().atMost(Duration.ofSeconds(60)).until(() -> delivered(second.store) == DELIVERIES);

        assertEverythingDeliveredOnce(second.store, submitted);
        assertThat(completedBeforeCrash).as("the crash happened mid-run").hasSizeLessThan(DELIVERIES);
        assertThat(inFlightAtCrash).as("the crashed instance held leases").isNotEmpty();
        assertThat(second.sent()).as("no completed delivery is sent again").doesNotContainAnyElementsOf(completedBeforeCrash);
        Set<DeliveryId> sentTwice = second.sent().stream().filter(first.sent()::contains).collect(Collectors.toSet());
        assertThat(inFlightAtCrash).as("a delivery is sent again only if it was in flight when the instance died")
                .containsAll(sentTwice);
        assertThat(sentTwice).as("at most the sends that were on the wire").hasSizeLessThanOrEqualTo(config().sendCeiling());
        assertThat(second.sender.calls().stream().map(c -> c.request().deliveryId())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())).values())
                .as("the new instance sends each delivery once").allMatch(n -> n == 1);
    }
}
