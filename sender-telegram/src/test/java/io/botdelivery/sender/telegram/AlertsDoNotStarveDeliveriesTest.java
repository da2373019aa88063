package io.botdelivery.sender.telegram;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Defect 1 of issue 13: admin alerts used to run on the send workers, and the Telegram notifier waits there for the admin
 * chat's 1 msg/s slot, so a burst of failures starved healthy deliveries (136 of 200 after 150 s, against 15 s without
 * alerts). Real time and real threads, Telegram's budgets, the real notifier against the simulator.
 */
@DisplayName("Admin alerts do not slow down healthy deliveries")
class AlertsDoNotStarveDeliveriesTest {
    private static final long ADMIN = 9_000_001L;
    /** Recipients of each kind: 60 keeps {@code mvn verify} short; {@code -Dstorm.chats=200} is the review's storm. */
    private static final int HEALTHY = Integer.getInteger("storm.chats", 60);
    private static final int BLOCKED = HEALTHY;

    @Test
    @DisplayName("defect 1: with half the recipients failing, healthy deliveries finish within 1.2x of the time without alerts")
    void alertsStayOffTheSendPath() {
        Duration quiet = healthyDeliveriesTake(false);
        Duration alerting = healthyDeliveriesTake(true);
        System.out.printf("alerts storm, %d healthy + %d blocked chats: healthy delivered in %.1f s with Notifier.none(), "
                + "%.1f s with TelegramNotifier (ratio %.2f)%n", HEALTHY, BLOCKED, quiet.toMillis() / 1e3,
                alerting.toMillis() / 1e3, (double) alerting.toNanos() / quiet.toNanos());

        // 300 ms of slack: one scheduling hiccup of a shared machine, far below the seconds the old engine lost
        assertThat(alerting).as("with TelegramNotifier (without: %s)", quiet)
                .isLessThanOrEqualTo(Duration.ofNanos((long) (quiet.toNanos() * 1.2)).plusMillis(300));
    }

    /** Submits HEALTHY deliveries and BLOCKED ones interleaved; returns how long until every healthy one is DELIVERED. */
    private Duration healthyDeliveriesTake(boolean alerts) {
        RateBudgets budgets = RateBudgets.telegramDefaults();
        try (TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().budgets(budgets)
                .arrivalJitterTolerance(Duration.ofMillis(150)).build());
             TelegramSender sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl()))) {
            LocalRateLimiter limiter = new LocalRateLimiter(budgets, Clock.systemUTC());
            Notifier notifier = alerts
                    ? new TelegramNotifier(TelegramNotifierConfig.of(TelegramSenderConfig.defaults(telegram.token())
                    .withApiUrl(telegram.baseUrl()), ADMIN), limiter, Clock.systemUTC())
                    : Notifier.none();
            InMemoryRetryStore store = new InMemoryRetryStore();
            DeliveryEngine engine = DeliveryEngine.builder().store(store).limiter(limiter).sender(sender).notifier(notifier)
                    .config(EngineConfig.defaults().withWorkerId(alerts ? "alerting" : "quiet")).build().start();
            try {
                List<DeliveryId> healthy = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < HEALTHY + BLOCKED; i++) {
                    long chat = 10_000 + i;
                    if (i % 2 == 1) {
                        telegram.chats().block(chat);
                    }
                    DeliveryId id = engine.submit(DeliveryRequest.builder(chat, Payload.text("news " + i)).build()).id();
                    if (i % 2 == 0) {
                        healthy.add(id);
                    }
                }
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> healthy.stream()
                        .allMatch(id -> store.find(id).orElseThrow().status() == DeliveryStatus.DELIVERED));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                await().atMost(Duration.ofMinutes(2)).until(() -> store.count(DeliveryStatus.FAILED) == BLOCKED);
                return took;
            } finally {
                engine.close();
                notifier.close();
            }
        }
    }
}
