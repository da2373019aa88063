package io.botdelivery.example.broadcast;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.DeliveryQueries;
import io.botdelivery.example.console.ProgressBar;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends one {@link Broadcast} to a {@link ChatList} through the delivery engine, which paces it at the full allowed
 * rate; shows a live progress bar and returns what happened.
 *
 * <p>Progress, the summary and the end of the run come from the store, not from this process's engine: every
 * recipient's delivery (one per idempotency key {@code broadcast:<name>:<chatId>}, whoever submitted it) is looked up
 * by id until it is final, so a delivery another replica sent counts the same as one sent here, and the run ends when
 * nothing of the broadcast is PENDING or IN_FLIGHT. A recipient already final when submitted (an earlier run handled
 * it) is counted as "before" and skipped.
 *
 * <p>Recipients are enqueued {@value #ENQUEUE_BATCH} at a time with {@link DeliveryService#submitAll} (a few store
 * round trips per batch, not one per chat), under an "enqueue" progress line; the engine starts sending while the rest
 * is enqueued, and a second line follows the sending. Stopped half-way, a run is resumed by running it again: the
 * recipients' idempotency keys make the first part a repeat. An ambiguous outcome (the request left, the answer was lost; the broadcast
 * gives up rather than risk a duplicate) is reported as "may have arrived", apart from real failures.
 */
public final class BroadcastRunner {
    /** How often the watching thread checks whether the broadcast has ended (the outcomes count themselves). */
    private static final Duration WATCH_EVERY = Duration.ofMillis(50);
    /** How often the store is asked about recipients whose outcome was not reported here (another replica sent them). */
    private static final Duration LOOKUP_EVERY = Duration.ofSeconds(1);
    /** Once no more unfinished recipients than this are left, every round looks all of them up. */
    private static final int LOOK_UP_ALL_BELOW = 2_000;
    /** Ids per store round trip when looking up unfinished recipients. */
    private static final int LOOKUP_BATCH = 500;
    /** Recipients per {@link DeliveryService#submitAll}: a few store round trips each (store-postgres: one insert). */
    static final int ENQUEUE_BATCH = 500;
    /** The row of an ambiguous outcome: the message may be in the chat. */
    public static final String MAY_HAVE_ARRIVED = "may have arrived (AMBIGUOUS)";

    private final DeliveryService deliveries;
    /** The recipients of those asked about that ended: the others are all the runner needs to know is not done. */
    private final Function<Collection<DeliveryId>, List<Delivery>> lookUpEnded;
    private final PrintStream out;
    private final boolean terminal;

    /** Reads the deliveries' state from {@code store} (one round trip per {@value #LOOKUP_BATCH} unfinished recipients). */
    public BroadcastRunner(DeliveryService deliveries, DeliveryQueries store, PrintStream out, boolean terminal) {
        this(deliveries, store::findFinal, out, terminal);
    }

    /** Reads the deliveries' state through {@code deliveries.find}, one call per unfinished recipient (the in-process demo). */
    public BroadcastRunner(DeliveryService deliveries, PrintStream out, boolean terminal) {
        this(deliveries, ids -> ids.stream().map(deliveries::find).flatMap(Optional::stream)
                .filter(d -> d.status().isFinal()).toList(), out, terminal);
    }

    private BroadcastRunner(DeliveryService deliveries, Function<Collection<DeliveryId>, List<Delivery>> lookUpEnded,
                            PrintStream out, boolean terminal) {
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.lookUpEnded = Objects.requireNonNull(lookUpEnded, "lookUpEnded");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /**
     * What is known of the broadcast's recipients: updated as their outcomes complete (on engine threads) and by the
     * run's one watching thread from the store.
     */
    private static final class Tally {
        final AtomicInteger deliveredBefore = new AtomicInteger();
        final AtomicInteger failedBefore = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger notDelivered = new AtomicInteger();
        final AtomicInteger enqueued = new AtomicInteger();
        final Map<String, Integer> failedByReason = new ConcurrentHashMap<>();
        /** Recipients not final yet, by delivery id, in submission order (the order the engine sends them). */
        final Set<DeliveryId> unfinished = Collections.synchronizedSet(new LinkedHashSet<>());

        void finished(Delivery d) {
            if (!unfinished.remove(d.id())) {
                return;
            }
            if (d.status() == DeliveryStatus.DELIVERED) {
                delivered.incrementAndGet();
            } else {
                failedByReason.merge(reason(d), 1, Integer::sum);
                notDelivered.incrementAndGet();
            }
        }
    }

    /**
     * Runs the broadcast and waits until nothing of it is pending in the store, or {@code maxWait} has passed (what is
     * left stays queued in the store; {@link BroadcastResult#stillQueued()} counts it).
     *
     * @param budgetPerSecond the lane's budget, reported next to the achieved rate
     */
    public BroadcastResult run(Broadcast broadcast, ChatList list, Duration maxWait, double budgetPerSecond) {
        long start = System.nanoTime();
        Tally tally = new Tally();
        int toSend = list.chatIds().size();
        try (ProgressBar queued = ProgressBar.counting("enqueue " + broadcast.name(), toSend, tally.enqueued::get,
                "queued", out, terminal)) {
            enqueue(broadcast, list, tally);
        }
        ProgressBar bar = new ProgressBar("broadcast " + broadcast.name(), toSend,
                () -> tally.delivered.get() + tally.deliveredBefore.get(),
                () -> tally.notDelivered.get() + tally.failedBefore.get(), out, terminal);
        try {
            watch(tally, start + maxWait.toNanos());
        } finally {
            bar.close();
        }
        Map<String, Integer> failed = new HashMap<>(tally.failedByReason);
        int ambiguous = Optional.ofNullable(failed.remove(FailureClass.AMBIGUOUS.name())).orElse(0);
        return new BroadcastResult(broadcast.name(), toSend, list.badLines(), tally.deliveredBefore.get(),
                tally.failedBefore.get(), tally.delivered.get(), failed, ambiguous, tally.unfinished.size(),
                Duration.ofNanos(System.nanoTime() - start), budgetPerSecond);
    }

    /**
     * Submits the recipients {@value #ENQUEUE_BATCH} at a time. A recipient whose delivery existed already (an earlier
     * run, or another replica running the same broadcast) is looked up with the rest of its batch in one round trip:
     * final ones count as "before", the others are watched like new ones.
     */
    private void enqueue(Broadcast broadcast, ChatList list, Tally tally) {
        List<Long> chats = list.chatIds();
        for (int from = 0; from < chats.size(); from += ENQUEUE_BATCH) {
            List<DeliveryRequest> requests = chats.subList(from, Math.min(chats.size(), from + ENQUEUE_BATCH)).stream()
                    .map(broadcast::requestFor).toList();
            Set<DeliveryId> known = new HashSet<>();
            List<Submission> submitted = deliveries.submitAll(requests);
            for (Submission s : submitted) {
                if (s.created()) {
                    tally.unfinished.add(s.id());
                } else {
                    known.add(s.id());
                }
            }
            if (!known.isEmpty()) {
                for (Delivery d : lookUpEnded.apply(known)) {
                    if (d.status() == DeliveryStatus.DELIVERED) {
                        tally.deliveredBefore.incrementAndGet();
                    } else {
                        tally.failedBefore.incrementAndGet();
                    }
                    known.remove(d.id());
                }
                tally.unfinished.addAll(known);
            }
            for (Submission s : submitted) {
                // counted as it ends, on the engine's thread: the watching thread need not ask the store about it
                s.outcome().thenAccept(tally::finished);
            }
            tally.enqueued.addAndGet(requests.size());
        }
    }

    /**
     * Waits until no recipient is unfinished or the deadline passed. Each recipient's outcome counts it as it ends (a
     * {@link Submission#outcome()} completes where the delivery ended here, or when the engine found it ended by another
     * replica); besides, every {@code LOOKUP_EVERY} the store is asked about the oldest unfinished recipients, batch by
     * batch up to the first in which none has ended, and about one batch further on, from a cursor that walks the rest
     * round after round, so ends the outcomes did not report are counted within one walk. Once
     * {@value #LOOK_UP_ALL_BELOW} or fewer are left, and in the last round, all of them are looked up, so the final
     * "still queued" is exact.
     *
     * <p>Why not ask the store about all of them every few seconds and the oldest every 250 ms, as before: each lookup
     * decodes whole rows, and during a 40,000-chat paid broadcast those lookups took a third to a half of the bot's CPU
     * (JFR profiles of {@code PaidBroadcastAtScale}) on a machine where CPU was what limited the sending. For the same
     * reason the watch asks only for the ended ones ({@code DeliveryQueries.findFinal}): with a second replica sending,
     * the walk still took a third of the broadcasting process's CPU while it decoded rows that had not ended.
     */
    private void watch(Tally tally, long deadlineNanos) {
        int cursor = 0;
        long nextLookup = System.nanoTime();
        while (true) {
            boolean last = System.nanoTime() - deadlineNanos >= 0;
            if (last || System.nanoTime() - nextLookup >= 0) {
                nextLookup = System.nanoTime() + LOOKUP_EVERY.toNanos();
                cursor = lookUpUnfinished(tally, last, cursor);
            }
            if (tally.unfinished.isEmpty() || last) {
                return;
            }
            try {
                Thread.sleep(WATCH_EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One round of store lookups (see {@link #watch}); returns where the cursor stands for the next round. */
    private int lookUpUnfinished(Tally tally, boolean last, int cursor) {
        List<DeliveryId> open;
        synchronized (tally.unfinished) {
            open = new ArrayList<>(tally.unfinished);
        }
        boolean everyone = last || open.size() <= LOOK_UP_ALL_BELOW;
        int from = 0;
        while (from < open.size()) {
            int ended = lookUpBatch(tally, open, from);
            from += LOOKUP_BATCH;
            if (ended == 0 && !everyone) {
                break;
            }
        }
        if (from >= open.size()) {
            return cursor;
        }
        int at = cursor < from || cursor >= open.size() ? from : cursor;
        lookUpBatch(tally, open, at);
        return at + LOOKUP_BATCH;
    }

    /** Looks up the batch of {@code open} starting at {@code from}; counts those that ended; returns how many. */
    private int lookUpBatch(Tally tally, List<DeliveryId> open, int from) {
        Set<DeliveryId> batch = new HashSet<>(open.subList(from, Math.min(open.size(), from + LOOKUP_BATCH)));
        int ended = 0;
        for (Delivery d : lookUpEnded.apply(batch)) {
            tally.finished(d);
            ended++;
        }
        return ended;
    }

    private static String reason(Delivery d) {
        if (d.status() == DeliveryStatus.CANCELLED) {
            return "CANCELLED";
        }
        return d.lastErrorClass() == null ? "UNKNOWN" : d.lastErrorClass().name();
    }
}
