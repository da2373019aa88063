package io.botdelivery.example.broadcast;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * it) is counted as "before" and skipped. An ambiguous outcome (the request left, the answer was lost; the broadcast
 * gives up rather than risk a duplicate) is reported as "may have arrived", apart from real failures.
 */
public final class BroadcastRunner {
    private static final Duration WATCH_EVERY = Duration.ofMillis(250);
    /** Ids per store round trip when looking up unfinished recipients. */
    private static final int LOOKUP_BATCH = 500;
    private static final int SUBMITTERS = 8;
    /** The row of an ambiguous outcome: the message may be in the chat. */
    public static final String MAY_HAVE_ARRIVED = "may have arrived (AMBIGUOUS)";

    private final DeliveryService deliveries;
    private final Function<Collection<DeliveryId>, List<Delivery>> lookUp;
    private final PrintStream out;
    private final boolean terminal;

    /** Reads the deliveries' state from {@code store} (one round trip per {@value #LOOKUP_BATCH} unfinished recipients). */
    public BroadcastRunner(DeliveryService deliveries, DeliveryQueries store, PrintStream out, boolean terminal) {
        this(deliveries, store::findAll, out, terminal);
    }

    /** Reads the deliveries' state through {@code deliveries.find}, one call per unfinished recipient (the in-process demo). */
    public BroadcastRunner(DeliveryService deliveries, PrintStream out, boolean terminal) {
        this(deliveries, ids -> ids.stream().map(deliveries::find).flatMap(Optional::stream).toList(), out, terminal);
    }

    private BroadcastRunner(DeliveryService deliveries, Function<Collection<DeliveryId>, List<Delivery>> lookUp,
                            PrintStream out, boolean terminal) {
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.lookUp = Objects.requireNonNull(lookUp, "lookUp");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /** What the store says about the broadcast's recipients; updated by the run's one watching thread. */
    private static final class Tally {
        final AtomicInteger deliveredBefore = new AtomicInteger();
        final AtomicInteger failedBefore = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger notDelivered = new AtomicInteger();
        final Map<String, Integer> failedByReason = new ConcurrentHashMap<>();
        /** Recipients not final yet, by delivery id. */
        final Set<DeliveryId> unfinished = ConcurrentHashMap.newKeySet();

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
        ProgressBar bar = new ProgressBar("broadcast " + broadcast.name(), toSend,
                () -> tally.delivered.get() + tally.deliveredBefore.get(),
                () -> tally.notDelivered.get() + tally.failedBefore.get(), out, terminal);
        try {
            submitAll(broadcast, list, tally);
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

    private void submitAll(Broadcast broadcast, ChatList list, Tally tally) {
        // Submitting is one store write per chat: a few threads keep a durable store's round trips from pacing the run.
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            List<Future<?>> submitted = new ArrayList<>();
            for (long chatId : list.chatIds()) {
                submitted.add(submitters.submit(() -> {
                    Submission s = deliveries.submit(broadcast.requestFor(chatId));
                    Delivery known = s.created() ? null : deliveries.find(s.id()).orElse(null);
                    if (known != null && known.status() == DeliveryStatus.DELIVERED) {
                        tally.deliveredBefore.incrementAndGet();
                    } else if (known != null && known.status().isFinal()) {
                        tally.failedBefore.incrementAndGet();
                    } else {
                        tally.unfinished.add(s.id());
                    }
                }));
            }
            for (Future<?> f : submitted) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while submitting the broadcast", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a broadcast delivery could not be submitted: " + e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            submitters.shutdown();
        }
    }

    /** Looks the unfinished recipients up in the store until none is left or the deadline passed. */
    private void watch(Tally tally, long deadlineNanos) {
        while (true) {
            List<DeliveryId> open = new ArrayList<>(tally.unfinished);
            for (int from = 0; from < open.size(); from += LOOKUP_BATCH) {
                Set<DeliveryId> batch = new HashSet<>(open.subList(from, Math.min(open.size(), from + LOOKUP_BATCH)));
                for (Delivery d : lookUp.apply(batch)) {
                    if (d.status().isFinal()) {
                        tally.finished(d);
                    }
                }
            }
            if (tally.unfinished.isEmpty() || System.nanoTime() - deadlineNanos >= 0) {
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

    private static String reason(Delivery d) {
        if (d.status() == DeliveryStatus.CANCELLED) {
            return "CANCELLED";
        }
        return d.lastErrorClass() == null ? "UNKNOWN" : d.lastErrorClass().name();
    }
}
