package io.botdelivery.bench.stack;

import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.SimulatedUpdates.WebhookAttempt;
import io.botdelivery.simulator.TelegramSimulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * A scripted shopping session through the simulator, as buyers would do it in Telegram: each buyer sends
 * {@code /start}, then {@code /buy <product>} (what the catalog's Buy button does), confirms the invoice (a
 * pre-checkout query the bot must answer) and, once the bot said yes, pays in Stars (a {@code successful_payment}).
 * Buyers arrive at a steady rate; the session then waits until every paying buyer has the receipt (the pack's last
 * part: one ordering key per order), Telegram holds no unconfirmed update and the shared queue holds nothing pending
 * or in flight (a reply a killed replica held comes back when its lease ends), or until its deadline.
 *
 * @param product      the product id to buy (the bot's configuration must have it)
 * @param priceStars   its price; the bot refuses the pre-checkout of another price
 * @param buyers       how many buyers
 * @param arrivalGap   time between two buyers' arrivals
 * @param answerWait   how long a buyer waits for the pre-checkout answer before giving up (no payment)
 * @param deadline     how long to wait, after the last arrival, for every pack and confirmation
 */
record ShoppingSession(String product, int priceStars, int buyers, Duration arrivalGap, Duration answerWait, Duration deadline) {
    static final long FIRST_BUYER = 1_000_001;

    /** What the session saw: everything is read from the simulator's record, the Telegram side of the story. */
    record Outcome(int buyers, int updatesPosted, int preCheckoutsAnsweredOk, int paid, int packsDelivered,
                   int packPartsSentTwice, int repliesSentTwice, int rateLimited, int updatesStillPending,
                   int webhookPosts, int webhookPostsNot2xx, int updatesConfirmedTwice, Duration took, boolean finished) {
    }

    /**
     * Runs the session.
     *
     * @param notFinal how many deliveries the shared queue holds that are not final yet (PENDING or IN_FLIGHT)
     */
    Outcome run(TelegramSimulator telegram, IntSupplier notFinal, PrintStream out, ProgressLine progress) throws InterruptedException {
        long start = System.nanoTime();
        AtomicInteger posted = new AtomicInteger();
        AtomicInteger answeredOk = new AtomicInteger();
        List<Long> payers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService shoppers = Executors.newFixedThreadPool(Math.min(buyers, 16), r -> {
            Thread t = new Thread(r, "buyer");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < buyers; i++) {
            long buyer = FIRST_BUYER + i;
            long arrival = start + i * arrivalGap.toNanos();
            shoppers.execute(() -> shop(telegram, buyer, arrival, posted, answeredOk, payers));
        }
        shoppers.shutdown();
        long lastReport = 0;
        long deadlineAt = start + arrivalGap.toNanos() * buyers + answerWait.toNanos() + deadline.toNanos();
        boolean finished = false;
        while (System.nanoTime() < deadlineAt) {
            Thread.sleep(250);
            boolean allArrived = shoppers.isTerminated();
            int delivered = packsDelivered(telegram, snapshot(payers));
            if (allArrived && delivered == payers.size() && telegram.updates().pendingCount() == 0 && notFinal.getAsInt() == 0) {
                finished = true;
                break;
            }
            if (System.nanoTime() - lastReport > Duration.ofSeconds(5).toNanos()) {
                lastReport = System.nanoTime();
                out.printf("  %3d s: %d updates posted, %d confirmed by the bot, %d paid, %d packs delivered, %d deliveries not final%s%n",
                        Duration.ofNanos(lastReport - start).toSeconds(), posted.get(), posted.get() - telegram.updates().pendingCount(),
                        payers.size(), delivered, notFinal.getAsInt(), progress.extra());
            }
        }
        shoppers.shutdownNow();
        shoppers.awaitTermination(5, TimeUnit.SECONDS);
        List<Long> paid = snapshot(payers);
        List<WebhookAttempt> attempts = telegram.updates().webhookAttempts();
        Map<Long, Long> confirmations = attempts.stream().filter(WebhookAttempt::delivered)
                .collect(Collectors.groupingBy(WebhookAttempt::updateId, Collectors.counting()));
        int packTwice = 0;
        int repliesTwice = 0;
        for (int i = 0; i < buyers; i++) {
            Map<String, Long> copies = telegram.record().acceptedIn(FIRST_BUYER + i).stream()
                    .collect(Collectors.groupingBy(ShoppingSession::identity, Collectors.counting()));
            for (Map.Entry<String, Long> e : copies.entrySet()) {
                int extra = (int) (e.getValue() - 1);
                if (e.getKey().startsWith("reply:")) {
                    repliesTwice += extra;
                } else {
                    packTwice += extra;
                }
            }
        }
        return new Outcome(buyers, posted.get(), answeredOk.get(), paid.size(), packsDelivered(telegram, paid), packTwice,
                repliesTwice, telegram.record().rateLimited().size(), telegram.updates().pendingCount(), attempts.size(),
                (int) attempts.stream().filter(a -> !a.delivered()).count(),
                (int) confirmations.values().stream().filter(n -> n > 1).count(),
                Duration.ofNanos(System.nanoTime() - start), finished);
    }

    /** Extra text for the progress line (the forwarder's counts in webhook mode). */
    interface ProgressLine {
        String extra();

        static ProgressLine none() {
            return () -> "";
        }

        static ProgressLine of(String label, IntSupplier value) {
            return () -> ", " + value.getAsInt() + " " + label;
        }
    }

    private void shop(TelegramSimulator telegram, long buyer, long arrivalNanos, AtomicInteger posted,
                      AtomicInteger answeredOk, List<Long> payers) {
        try {
            long wait = arrivalNanos - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String payload = "product:" + product;
            telegram.updates().userSends(buyer, "/start");
            telegram.updates().userSends(buyer, "/buy " + product);
            String query = telegram.updates().preCheckoutQuery(buyer, "XTR", priceStars, payload);
            posted.addAndGet(3);
            long giveUp = System.nanoTime() + answerWait.toNanos();
            while (telegram.updates().answerTo(query).isEmpty() && System.nanoTime() < giveUp) {
                Thread.sleep(50);
            }
            if (telegram.updates().answerTo(query).map(a -> a.ok()).orElse(false)) {
                answeredOk.incrementAndGet();
                telegram.updates().successfulPayment(buyer, "XTR", priceStars, payload, "local-charge-" + buyer);
                posted.incrementAndGet();
                payers.add(buyer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Long> snapshot(List<Long> payers) {
        synchronized (payers) {
            return List.copyOf(payers);
        }
    }

    /** Buyers whose receipt arrived: it is the pack's last part (one ordering key per order), so the rest came before. */
    private static int packsDelivered(TelegramSimulator telegram, List<Long> payers) {
        return (int) payers.stream().filter(b -> telegram.record().acceptedIn(b).stream().anyMatch(ShoppingSession::isReceipt)).count();
    }

    private static boolean isReceipt(AcceptedMessage m) {
        return m.kind().equals("text") && m.text() != null && m.text().startsWith("Receipt");
    }

    /** One message's identity in its chat: replies (catalog, invoice, other texts) apart from the pack's parts (media, receipt). */
    private static String identity(AcceptedMessage m) {
        boolean reply = m.kind().equals("invoice") || (m.kind().equals("text") && !isReceipt(m));
        return (reply ? "reply:" : "pack:") + m.kind() + ":" + m.albumIndex() + ":" + m.content();
    }
}
