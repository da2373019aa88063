package io.botdelivery.example.shop;

import io.botdelivery.api.Redaction;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bot's direct answers (catalog, invoices, admin replies): things the engine's payload model does not cover
 * (inline keyboards, invoices) or that must go out while the user waits. They still take their slot from the shared
 * rate limiter first, so interactive replies and engine deliveries together never exceed the budget. Answers to
 * queries (pre-checkout, callback) are not messages and skip the limiter: Telegram wants them within 10 seconds.
 *
 * <p>{@link #send} does not block: it reserves a slot and schedules the call for the slot's time, so a chat waiting for
 * its per-chat slot never holds up another chat's updates. One chat's replies go one at a time, in order: the next
 * reserves its slot only once the previous one was answered. A reply that cannot be sent is logged and dropped: the user can ask
 * again, unlike a paid delivery, which always goes through the engine.
 */
final class Replies implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);
    private static final Duration HORIZON = Duration.ofSeconds(5);
    private static final int MAX_TRIES = 20;

    private final TelegramClient client;
    private final RateLimiter limiter;
    private final RateBudgets budgets;
    private final ScheduledExecutorService timer;
    /** Each chat's replies not yet done, the head being sent: one reply per chat at a time, in order. */
    private final Map<Long, Deque<BotApiMethod<?>>> queues = new HashMap<>();

    Replies(TelegramClient client, RateLimiter limiter, RateBudgets budgets, int threads) {
        this.client = Objects.requireNonNull(client, "client");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "shop-replies-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends a message to {@code chatId} once the limiter allows; one retry after a 429. Returns at once. */
    <T extends Serializable> void send(long chatId, BotApiMethod<T> message) {
        boolean first;
        synchronized (queues) {
            Deque<BotApiMethod<?>> queue = queues.computeIfAbsent(chatId, id -> new ArrayDeque<>());
            queue.add(message);
            first = queue.size() == 1;
        }
        if (first) {
            reserveThenSend(chatId, message, 1, false);
        }
    }

    /** The chat's current reply is done (sent or dropped): the next one may reserve its slot now. */
    private void finished(long chatId) {
        BotApiMethod<?> next;
        synchronized (queues) {
            Deque<BotApiMethod<?>> queue = queues.get(chatId);
            queue.poll();
            next = queue.peek();
            if (next == null) {
                queues.remove(chatId);
            }
        }
        if (next != null) {
            reserveThenSend(chatId, next, 1, false);
        }
    }

    private void reserveThenSend(long chatId, BotApiMethod<?> message, int tries, boolean after429) {
        if (tries > MAX_TRIES) {
            log.warn("reply {} to chat {} dropped: no rate-limit slot after {} tries", message.getMethod(), chatId, MAX_TRIES);
            finished(chatId);
            return;
        }
        Reservation r;
        try {
            r = limiter.reserve(RateRequest.of(chatId), HORIZON);
        } catch (RateLimiterUnavailableException e) {
            schedule(Duration.ofSeconds(1), () -> reserveThenSend(chatId, message, tries + 1, after429));
            return;
        }
        if (r instanceof Reservation.Denied denied) {
            schedule(denied.retryIn(), () -> reserveThenSend(chatId, message, tries + 1, after429));
            return;
        }
        schedule(((Reservation.Granted) r).delay(), () -> execute(chatId, message, tries, after429));
    }

    private void execute(long chatId, BotApiMethod<?> message, int tries, boolean after429) {
        try {
            client.execute(message);
            // The limiter spaced this chat's sends from the slot it granted, but the call may have reached Telegram
            // later than that (a busy or cold client). Keeping the chat's next slot a full interval after the answer
            // keeps the spacing Telegram measures, at arrival.
            limiter.penalize(LimitScope.chat(chatId), Duration.ofNanos(budgets.chatBudget(chatId).emissionIntervalNanos()));
            finished(chatId);
        } catch (TelegramApiRequestException e) {
            Integer retryAfter = e.getParameters() == null ? null : e.getParameters().getRetryAfter();
            if (retryAfter == null || after429) {
                log.warn("reply {} to chat {} refused: {}", message.getMethod(), chatId, Redaction.redact(e.getMessage()));
                finished(chatId);
                return;
            }
            // Telegram does not say which budget it was. If it was the bot's global one, every early caller earns a longer
            // ban (Telegram escalates), so both scopes pause: a short global pause costs little, an escalated ban a lot.
            Duration pause = Duration.ofSeconds(retryAfter + 1L);
            limiter.penalize(LimitScope.chat(chatId), pause);
            limiter.penalize(LimitScope.global(), pause);
            log.warn("reply {} to chat {} got 429 (retry after {} s)", message.getMethod(), chatId, retryAfter);
            reserveThenSend(chatId, message, tries + 1, true);
        } catch (TelegramApiException e) {
            log.warn("reply {} to chat {} failed: {}", message.getMethod(), chatId, Redaction.redact(e.toString()));
            finished(chatId);
        } catch (RuntimeException e) {
            finished(chatId);
            throw e;
        }
    }

    /** Answers a query (pre-checkout, callback): not a message, so no rate-limit slot. Returns false if it failed. */
    boolean answer(BotApiMethod<Boolean> answer) {
        try {
            return Boolean.TRUE.equals(client.execute(answer));
        } catch (TelegramApiException e) {
            log.warn("{} failed: {}", answer.getMethod(), Redaction.redact(e.toString()));
            return false;
        }
    }

    private void schedule(Duration delay, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("a reply could not be sent", e);
            }
        };
        try {
            timer.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("reply dropped: the bot is stopping");
        }
    }

    /** Lets replies already due go out (up to {@code grace}), then stops. */
    void close(Duration grace) {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            timer.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
