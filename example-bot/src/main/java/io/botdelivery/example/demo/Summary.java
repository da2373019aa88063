package io.botdelivery.example.demo;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.example.broadcast.BroadcastResult;
import io.botdelivery.example.console.Table;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.simulator.WindowScope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The demo's end-of-run table, from the engine's metrics and what the simulator accepted and refused. */
final class Summary {
    private final TelegramSimulator telegram;
    private final MeterRegistry registry;
    private final RateBudgets budgets;
    private final DemoScenario.ShopPhase shop;
    private final BroadcastResult broadcast;
    private final List<Delivery> broadcastDeliveries;
    private final Duration elapsed;

    Summary(TelegramSimulator telegram, MeterRegistry registry, RateBudgets budgets, DemoScenario.ShopPhase shop,
            BroadcastResult broadcast, List<Delivery> broadcastDeliveries, Duration elapsed) {
        this.telegram = telegram;
        this.registry = registry;
        this.budgets = budgets;
        this.shop = shop;
        this.broadcast = broadcast;
        this.broadcastDeliveries = List.copyOf(broadcastDeliveries);
        this.elapsed = elapsed;
    }

    Table table() {
        List<AcceptedMessage> accepted = telegram.record().accepted();
        Table t = new Table("bot-delivery demo: " + String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0));
        t.row("buyers", shop.buyers().size());
        t.row("packs delivered in full (album + document + receipt)", packsDelivered());
        t.row("broadcast recipients", broadcast.recipients() + " (+" + broadcast.badLines().size() + " bad lines skipped)");
        t.row("deliveries delivered", count(DeliveryStatus.DELIVERED));
        failedByReason().forEach((reason, n) -> t.row("deliveries failed: " + reason, n));
        t.row("retries (transient and ambiguous)", (long) sum("delivery.retries"));
        t.row("429s received", (long) sum("delivery.rate_limited") + " (injected: 1, from the limits: "
                + telegram.record().rateLimited().size() + ")");
        t.row("faults injected (5xx, dropped connections)", telegram.record().faults().size());
        t.row("admin alerts sent", accepted.stream().filter(m -> m.chatId() == DemoScenario.ADMIN_ID).count());
        RateBudgets telegramBudgets = telegram.config().budgets();
        t.row("standard lane: rate / peak 1 s / Telegram's budget", laneRate(accepted, false, telegramBudgets.global().permits()));
        t.row("paid lane: rate / peak 1 s / Telegram's budget", laneRate(accepted, true, telegramBudgets.paidBroadcast().permits()));
        t.row("pack latency p50 / p99 (payment to delivered)", percentiles(shop.deliveries()));
        t.row("broadcast latency p50 / p99", percentiles(broadcastDeliveries));
        return t;
    }

    /** Every pack of a buyer who did not block the bot arrived, and nothing is left waiting. */
    boolean succeeded(Set<Long> blocked) {
        boolean shopDone = shop.finished() && shop.deliveries().size() == shop.buyers().size() * 3;
        boolean packsArrived = shop.deliveries().stream()
                .filter(d -> !blocked.contains(d.chatId()))
                .allMatch(d -> d.status() == DeliveryStatus.DELIVERED);
        return shopDone && packsArrived && broadcast.stillQueued() == 0;
    }

    private long packsDelivered() {
        Map<Long, Long> deliveredPerBuyer = new TreeMap<>();
        shop.deliveries().stream().filter(d -> d.status() == DeliveryStatus.DELIVERED)
                .forEach(d -> deliveredPerBuyer.merge(d.chatId(), 1L, Long::sum));
        return deliveredPerBuyer.values().stream().filter(n -> n == 3).count();
    }

    private long count(DeliveryStatus status) {
        return shop.deliveries().stream().filter(d -> d.status() == status).count()
                + broadcastDeliveries.stream().filter(d -> d.status() == status).count();
    }

    private Map<String, Long> failedByReason() {
        Map<String, Long> byReason = new TreeMap<>();
        List<Delivery> all = new ArrayList<>(shop.deliveries());
        all.addAll(broadcastDeliveries);
        for (Delivery d : all) {
            if (d.status() == DeliveryStatus.FAILED) {
                byReason.merge(String.valueOf(d.lastErrorClass()), 1L, Long::sum);
            }
        }
        if (byReason.isEmpty()) {
            byReason.put("none", 0L);
        }
        return byReason;
    }

    private double sum(String meter) {
        return registry.find(meter).counters().stream().mapToDouble(Counter::count).sum();
    }

    private String laneRate(List<AcceptedMessage> accepted, boolean paid, int budget) {
        List<AcceptedMessage> lane = accepted.stream().filter(m -> m.paidBroadcast() == paid).toList();
        if (lane.size() < 2) {
            return lane.size() + " msg / - / " + budget + "/s";
        }
        double seconds = Math.max(1e-3, Duration.between(lane.get(0).at(), lane.get(lane.size() - 1).at()).toNanos() / 1e9);
        // the window Telegram's limit is checked over: a second, less the arrival jitter the simulator tolerates
        Duration window = Duration.ofSeconds(1).minus(telegram.config().arrivalJitterTolerance());
        int peak = telegram.record().maxInAnyWindow(WindowScope.lane(paid), window);
        return String.format(Locale.ROOT, "%.1f msg/s / %d / %d/s", lane.size() / seconds, peak, budget);
    }

    private static String percentiles(Collection<Delivery> deliveries) {
        List<Long> millis = deliveries.stream()
                .filter(d -> d.status() == DeliveryStatus.DELIVERED && d.finishedAt() != null)
                .map(d -> Duration.between(d.createdAt(), d.finishedAt()).toMillis())
                .sorted().toList();
        if (millis.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f s / %.2f s", at(millis, 0.50) / 1000.0, at(millis, 0.99) / 1000.0);
    }

    private static long at(List<Long> sorted, double q) {
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
