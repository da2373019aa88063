package io.botdelivery.bench.engine;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.core.ChatOrder;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The paid-broadcast lane next to a saturated standard lane on the same chats, with {@link ChatOrder#SUBMISSION} (the
 * default) and {@link ChatOrder#PAID_FIRST}, back to back in one run: the standard lane offered 1.5 × its 30 msg/s to
 * {@code chats} private chats at random, the paid lane offered 10 msg/s to the same chats at random (the saturate
 * scenarios' mix, without albums), for {@code seconds}. Engine with default settings but the order, memory store, the
 * local limiter at Telegram's budgets with the example bot's arrival margins (50 ms on the lanes, 250 ms on each chat),
 * and an in-process sender that answers Delivered after a fixed simulated Bot API round trip, on real time. The orders
 * are interleaved ABBA ({@code rounds} times SUBMISSION, PAID_FIRST, PAID_FIRST, SUBMISSION halves), so a drift in the
 * machine's load or the JVM's warmth does not favour either.
 *
 * <p>Usage: {@code java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.engine.PaidNextToStandard
 * [chats, 300] [seconds, 60] [round trip ms, 100] [runs per order, 2]}. Prints one row per run: each lane's msg/s offered and achieved
 * (sends while offering, after a 5-s ramp-up), the paid broadcasts' submit → send p50/p99 and how many were still
 * unsent when offering stopped, the busiest window per scope against Telegram's budget (without the margins) and the
 * number of windows over budget.
 */
public final class PaidNextToStandard {
    private static final double STANDARD_OFFERED = 45;
    private static final double PAID_OFFERED = 10;
    private static final Duration RAMP_UP = Duration.ofSeconds(5);
    private static final long FIRST_CHAT = 2_000_000L;

    private PaidNextToStandard() {
    }

    record Send(long atNanos, long chatId, boolean paid, DeliveryId id) {
    }

    /** Answers Delivered after the round trip; records when each send left. */
    static final class RecordingSender implements Sender {
        private final long roundTripMillis;
        final ConcurrentLinkedQueue<Send> sends = new ConcurrentLinkedQueue<>();

        RecordingSender(Duration roundTrip) {
            this.roundTripMillis = roundTrip.toMillis();
        }

        @Override
        public SendOutcome send(SendRequest request) {
            sends.add(new Send(System.nanoTime(), request.chatId(), request.allowPaidBroadcast(), request.deliveryId()));
            try {
                Thread.sleep(roundTripMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new SendOutcome.Ambiguous("interrupted");
            }
            return new SendOutcome.Delivered(List.of(request.chatId()));
        }
    }

    record Row(ChatOrder order, double standardOffered, double standardAchieved, double paidOffered, double paidAchieved,
               double paidP50Millis, double paidP99Millis, int paidUnsent, int busiestStandard, int busiestPaid,
               int busiestChat, int windowsOverBudget) {
    }

    static Row run(ChatOrder order, int chats, Duration length, Duration roundTrip) throws InterruptedException {
        RateBudgets budgets = RateBudgets.telegramDefaults();
        RecordingSender sender = new RecordingSender(roundTrip);
        DeliveryEngine engine = DeliveryEngine.builder().store(new InMemoryRetryStore())
                .limiter(new LocalRateLimiter(budgets.withArrivalMargins(Duration.ofMillis(50), Duration.ofMillis(250)),
                        Clock.systemUTC()))
                .sender(sender).config(EngineConfig.defaults().withChatOrder(order)).build().start();
        SplittableRandom random = new SplittableRandom(15);
        Map<DeliveryId, Long> paidSubmittedAt = new ConcurrentHashMap<>();
        int standardSubmitted = 0;
        int paidSubmitted = 0;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        try {
            while (true) {
                long nextStandard = start + (long) (standardSubmitted * 1e9 / STANDARD_OFFERED);
                long nextPaid = start + (long) (paidSubmitted * 1e9 / PAID_OFFERED);
                long next = Math.min(nextStandard, nextPaid);
                if (next >= end) {
                    break;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long chat = FIRST_CHAT + random.nextInt(chats);
                if (nextPaid <= nextStandard) {
                    long at = System.nanoTime();
                    DeliveryId id = engine.submit(DeliveryRequest.builder(chat, Payload.text("paid " + paidSubmitted))
                            .allowPaidBroadcast(true).build()).id();
                    paidSubmittedAt.put(id, at);
                    paidSubmitted++;
                } else {
                    engine.submit(DeliveryRequest.builder(chat, Payload.text("standard " + standardSubmitted)).build());
                    standardSubmitted++;
                }
            }
        } finally {
            engine.close();
        }
        List<Send> sends = new ArrayList<>(sender.sends);
        sends.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
        long from = start + RAMP_UP.toNanos();
        double measured = (end - from) / 1e9;
        long standardSent = sends.stream().filter(s -> !s.paid() && s.atNanos() >= from && s.atNanos() < end).count();
        long paidSent = sends.stream().filter(s -> s.paid() && s.atNanos() >= from && s.atNanos() < end).count();
        List<Long> paidLatencies = new ArrayList<>();
        for (Send s : sends) {
            Long submitted = s.paid() && s.atNanos() < end ? paidSubmittedAt.get(s.id()) : null;
            if (submitted != null) {
                paidLatencies.add(s.atNanos() - submitted);
            }
        }
        long[] latencies = paidLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        Windows standard = windows(sends.stream().filter(s -> !s.paid()).toList(), budgets.global());
        Windows paid = windows(sends.stream().filter(Send::paid).toList(), budgets.paidBroadcast());
        Map<Long, List<Send>> perChat = new HashMap<>();
        sends.forEach(s -> perChat.computeIfAbsent(s.chatId(), c -> new ArrayList<>()).add(s));
        int busiestChat = 0;
        int chatOver = 0;
        for (List<Send> ofChat : perChat.values()) {
            Windows w = windows(ofChat, budgets.privateChat());
            busiestChat = Math.max(busiestChat, w.busiest());
            chatOver += w.overBudget();
        }
        return new Row(order, standardSubmitted / (length.toNanos() / 1e9), standardSent / measured,
                paidSubmitted / (length.toNanos() / 1e9), paidSent / measured, percentileMillis(latencies, 0.50),
                percentileMillis(latencies, 0.99), paidSubmitted - latencies.length, standard.busiest(), paid.busiest(),
                busiestChat, standard.overBudget() + paid.overBudget() + chatOver);
    }

    /** The most sends in any window of the budget's length, and how many sends ended a window over the budget. */
    record Windows(int busiest, int overBudget) {
    }

    static Windows windows(List<Send> sorted, Budget budget) {
        long window = budget.window().toNanos();
        int busiest = 0;
        int over = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(j).atNanos() + window <= sorted.get(i).atNanos()) {
                j++;
            }
            int inWindow = i - j + 1;
            busiest = Math.max(busiest, inWindow);
            if (inWindow > budget.permits()) {
                over++;
            }
        }
        return new Windows(busiest, over);
    }

    static double percentileMillis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    public static void main(String[] args) throws InterruptedException {
        int chats = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        Duration length = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
        Duration roundTrip = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 100);
        int runsPerOrder = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        System.out.printf(Locale.ROOT, "standard lane offered %.0f msg/s and paid lane %.0f msg/s to the same %d private "
                        + "chats for %d s; memory store, local limiter at Telegram's budgets (lanes +50 ms, chats +250 ms), "
                        + "Bot API round trip %d ms; rates from %d s on%n", STANDARD_OFFERED, PAID_OFFERED, chats,
                length.toSeconds(), roundTrip.toMillis(), RAMP_UP.toSeconds());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < runsPerOrder; i++) {
            // ABBA: SUBMISSION, PAID_FIRST, then PAID_FIRST, SUBMISSION
            boolean submissionFirst = i % 2 == 0;
            rows.add(run(submissionFirst ? ChatOrder.SUBMISSION : ChatOrder.PAID_FIRST, chats, length, roundTrip));
            rows.add(run(submissionFirst ? ChatOrder.PAID_FIRST : ChatOrder.SUBMISSION, chats, length, roundTrip));
        }
        System.out.printf(Locale.ROOT, "| %-10s | %-26s | %-22s | %-24s | %-10s | %-35s | %-18s |%n", "chat order",
                "standard msg/s offered → achieved", "paid msg/s offered → achieved", "paid submit → send p50 / p99",
                "paid unsent at end", "busiest window standard / paid / chat", "windows over budget");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-10s | %.1f → %.1f | %.1f → %.2f | %.0f ms / %.0f ms | %d | %d/30, %d/1000, %d/1 | %d |%n",
                    r.order(), r.standardOffered(), r.standardAchieved(), r.paidOffered(), r.paidAchieved(),
                    r.paidP50Millis(), r.paidP99Millis(), r.paidUnsent(), r.busiestStandard(), r.busiestPaid(),
                    r.busiestChat(), r.windowsOverBudget());
        }
    }
}
