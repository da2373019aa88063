package io.botdelivery.example.updates;

import io.botdelivery.api.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Long polling whose offset only moves past updates whose effects are durable (or that were deliberately ignored).
 *
 * <p>Why not TelegramBots' {@code BotSession}: it asks for the next batch with the offset past the last one as soon as
 * the consumer returns, and it drops update ids it has already seen. A consumer that hands updates to threads therefore
 * confirms them to Telegram before they are handled, and a payment whose pack could not be stored is never seen again:
 * a crash or a store outage at that moment loses a paid order.
 *
 * <p>Here every update taken from {@code getUpdates} is given to the {@link UpdateHandler}, which answers with a stage that
 * completes normally when the update may be confirmed, or exceptionally when it was not handled. Telegram's offset is a
 * single watermark ("everything below is handled"), so the loop confirms the longest run of handled updates from the
 * oldest on and stops at the first one that is still running or failed: Telegram keeps that one, and everything after
 * it, and sends them again on every poll. Updates already handled are recognised when they come again and skipped; a
 * failed one is handed to the handler again once its backoff has passed (Telegram's redelivery is the retry). After a
 * crash nothing past the watermark was confirmed, so everything not yet confirmed comes again: handlers must be
 * idempotent for what they make durable (the shop's payment keys are).
 *
 * <p>While the oldest update is unfinished, {@code getUpdates} answers at once with what it still holds, so the loop
 * then polls without waiting (timeout 0) at most once per {@link Settings#busyPollInterval()}, or sooner when a handler
 * finishes, instead of spinning. Telegram returns at most 100 updates from the watermark: updates beyond the 100th wait
 * until the oldest is handled.
 *
 * <p>One thread polls; handlers run wherever the handler puts them. Thread-safe to {@link #close()} from any thread.
 */
public final class UpdateLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpdateLoop.class);
    private static final int LIMIT = 100;

    /**
     * @param pollTimeout       how long one getUpdates waits for new updates when nothing is in hand
     * @param busyPollInterval  how often to poll while the oldest update is still being handled
     * @param firstRetryDelay   the backoff before a failed update is handled again; doubles per failure
     * @param maxRetryDelay     the longest such backoff
     * @param failureBackoff    the first pause after getUpdates failed (Telegram unreachable); doubles up to maxRetryDelay
     * @param allowedUpdates    update kinds to receive
     */
    public record Settings(Duration pollTimeout, Duration busyPollInterval, Duration firstRetryDelay, Duration maxRetryDelay,
                           Duration failureBackoff, List<String> allowedUpdates) {
        public Settings {
            Objects.requireNonNull(pollTimeout, "pollTimeout");
            Objects.requireNonNull(busyPollInterval, "busyPollInterval");
            Objects.requireNonNull(firstRetryDelay, "firstRetryDelay");
            Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
            Objects.requireNonNull(failureBackoff, "failureBackoff");
            allowedUpdates = List.copyOf(allowedUpdates);
        }

        /** Production values: a failed update is tried again after 1 s, 2 s, 4 s … at most every 30 s. */
        public static Settings defaults(Duration pollTimeout, List<String> allowedUpdates) {
            return new Settings(pollTimeout, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30),
                    Duration.ofSeconds(1), allowedUpdates);
        }

        public Settings withRetryDelays(Duration first, Duration max) {
            return new Settings(pollTimeout, busyPollInterval, first, max, failureBackoff, allowedUpdates);
        }

        public Settings withBusyPollInterval(Duration interval) {
            return new Settings(pollTimeout, interval, firstRetryDelay, maxRetryDelay, failureBackoff, allowedUpdates);
        }
    }

    /** An update taken and not yet confirmed. Touched by the poll thread only, except {@code outcome}. */
    private static final class InHand {
        volatile CompletableFuture<Object> outcome;
        int failures;
        long retryAtNanos;
        boolean failureCounted;
    }

    private final TelegramClient client;
    private final UpdateHandler handler;
    private final Settings settings;
    private final Runnable abortPoll;
    private final Thread thread;
    /** Released whenever a handler finishes: wakes the poll thread waiting while the oldest update is unfinished. */
    private final Semaphore finished = new Semaphore(0);
    /** Taken and not yet confirmed, by update id; the poll thread's. */
    private final TreeMap<Integer, InHand> inHand = new TreeMap<>();
    private final Object offsetLock = new Object();
    /** The next offset to send: every update below it is confirmed or will be by the next getUpdates. Guarded by offsetLock. */
    private long offset;
    private volatile boolean running = true;

    /**
     * @param client    the client getUpdates goes through; its read timeout must exceed {@code pollTimeout}
     * @param abortPoll cuts a getUpdates in progress short (e.g. cancels the HTTP call) so {@link #close()} need not
     *                  wait out a long poll; may do nothing
     */
    public UpdateLoop(TelegramClient client, UpdateHandler handler, Settings settings, Runnable abortPoll) {
        this.client = Objects.requireNonNull(client, "client");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.abortPoll = Objects.requireNonNull(abortPoll, "abortPoll");
        this.thread = new Thread(this::run, "update-poll");
        this.thread.setDaemon(true);
    }

    public UpdateLoop start() {
        thread.start();
        return this;
    }

    private void run() {
        Duration failurePause = settings.failureBackoff();
        boolean telegramDown = false;
        while (running) {
            long confirmed = confirmHandled();
            boolean busy = !inHand.isEmpty();
            if (busy) {
                // something older is still running or waiting for its retry: getUpdates would answer at once with it
                awaitProgress(nextWake());
                if (!running) {
                    break;
                }
                confirmed = confirmHandled();
            }
            List<Update> updates;
            try {
                updates = client.execute(GetUpdates.builder()
                        .offset((int) confirmed)
                        .limit(LIMIT)
                        .timeout(busy ? 0 : (int) settings.pollTimeout().toSeconds())
                        .allowedUpdates(settings.allowedUpdates())
                        .build());
                if (telegramDown) {
                    log.info("getUpdates answers again");
                    telegramDown = false;
                }
                failurePause = settings.failureBackoff();
            } catch (TelegramApiException | RuntimeException e) {
                if (!running) {
                    break;
                }
                // one line per outage at WARN, then quietly with growing pauses: a down Telegram must not flood the log
                if (!telegramDown) {
                    log.warn("getUpdates failed ({}); trying again with backoff, nothing is confirmed meanwhile",
                            Redaction.redact(e.toString()));
                    telegramDown = true;
                } else {
                    log.debug("getUpdates failed again: {}", Redaction.redact(e.toString()));
                }
                sleep(failurePause);
                failurePause = min(failurePause.multipliedBy(2), settings.maxRetryDelay());
                continue;
            }
            if (!running) {
                // taken by a poll that close() cut short: not handed out, so not confirmed; Telegram keeps them
                break;
            }
            for (Update update : updates) {
                dispatch(update);
            }
        }
    }

    private void dispatch(Update update) {
        Integer id = update.getUpdateId();
        if (id == null || id < currentOffset()) {
            return;
        }
        InHand entry = inHand.get(id);
        long now = System.nanoTime();
        if (entry != null) {
            CompletableFuture<Object> outcome = entry.outcome;
            if (!outcome.isCompletedExceptionally() || now - entry.retryAtNanos < 0) {
                return; // running, handled (and waiting for an older one), or not yet due again
            }
            log.info("update {} comes again; handling it again (attempt {})", id, entry.failures + 1);
        } else {
            entry = new InHand();
            inHand.put(id, entry);
        }
        entry.failureCounted = false;
        CompletableFuture<Object> outcome;
        try {
            outcome = handler.handle(update).toCompletableFuture().thenApply(v -> (Object) v);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        entry.outcome = outcome;
        outcome.whenComplete((v, e) -> finished.release());
    }

    /**
     * Moves the watermark past the oldest updates that are handled, stopping at the first that is not; schedules the
     * retry of newly failed ones. Returns the offset for the next getUpdates.
     */
    private long confirmHandled() {
        long now = System.nanoTime();
        Iterator<Map.Entry<Integer, InHand>> it = inHand.entrySet().iterator();
        boolean prefix = true;
        long next = currentOffset();
        while (it.hasNext()) {
            Map.Entry<Integer, InHand> e = it.next();
            InHand h = e.getValue();
            CompletableFuture<Object> outcome = h.outcome;
            if (outcome.isCompletedExceptionally() && !h.failureCounted) {
                h.failureCounted = true;
                h.failures++;
                Duration delay = min(settings.firstRetryDelay().multipliedBy(1L << Math.min(20, h.failures - 1)),
                        settings.maxRetryDelay());
                h.retryAtNanos = now + delay.toNanos();
                log.warn("update {} was not handled ({}); not confirmed to Telegram, handled again in {} ms when it comes again",
                        e.getKey(), cause(outcome), delay.toMillis());
            }
            if (prefix && outcome.isDone() && !outcome.isCompletedExceptionally()) {
                next = e.getKey() + 1L;
                it.remove();
            } else {
                prefix = false;
            }
        }
        synchronized (offsetLock) {
            offset = Math.max(offset, next);
            return offset;
        }
    }

    private long currentOffset() {
        synchronized (offsetLock) {
            return offset;
        }
    }

    /** When the poll thread must look again even if no handler finishes: the busy interval, or a failed update's retry. */
    private long nextWake() {
        long now = System.nanoTime();
        long wake = now + settings.busyPollInterval().toNanos();
        for (InHand h : inHand.values()) {
            if (h.outcome.isCompletedExceptionally() && h.retryAtNanos - wake < 0) {
                wake = h.retryAtNanos;
            }
        }
        return wake;
    }

    private void awaitProgress(long untilNanos) {
        try {
            long left = untilNanos - System.nanoTime();
            if (left > 0 && finished.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                finished.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void sleep(Duration pause) {
        try {
            // a handler finishing is no reason to poll a Telegram that just failed; close() interrupts
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static String cause(CompletableFuture<Object> failed) {
        try {
            failed.join();
            return "?";
        } catch (RuntimeException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return Redaction.redact(c.toString());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Stops taking updates: a getUpdates in progress is cut short and what it returns is dropped unconfirmed. Waits
     * for the poll thread, not for handlers already running; call {@link #confirmFinished()} once they are done.
     */
    public void stopPolling() {
        running = false;
        abortPoll.run();
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After {@link #stopPolling()} and once handlers are done: confirms the handled updates with one getUpdates that
     * waits for nothing, so the next start does not handle them again. Best effort: if Telegram does not answer, they
     * come again after the restart and idempotency makes that harmless.
     */
    public void confirmFinished() {
        if (thread.isAlive()) {
            return; // still inside a poll: its offset bookkeeping is not ours to touch
        }
        long before = currentOffset();
        long next = confirmHandled();
        if (next == before) {
            return;
        }
        try {
            client.execute(GetUpdates.builder().offset((int) next).limit(1).timeout(0)
                    .allowedUpdates(settings.allowedUpdates()).build());
        } catch (TelegramApiException | RuntimeException e) {
            log.info("could not confirm the last handled updates at stop ({}); they come again at the next start",
                    Redaction.redact(e.toString()));
        }
    }

    @Override
    public void close() {
        stopPolling();
        confirmFinished();
    }
}
