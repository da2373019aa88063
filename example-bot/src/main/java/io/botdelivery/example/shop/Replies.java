package io.botdelivery.example.shop;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.example.config.Redact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The bot's direct answers (catalog, invoices, admin replies): things the engine's payload model does not cover
 * (inline keyboards, invoices) or that must go out while the user waits. They still take their slot from the shared
 * rate limiter first, so interactive replies and engine deliveries together never exceed the budget. Answers to
 * queries (pre-checkout, callback) are not messages and skip the limiter: Telegram wants them within 10 seconds.
 *
 * <p>Blocking; call from the update-handling threads. A reply that cannot be sent is logged and dropped: the user can
 * ask again, unlike a paid delivery, which always goes through the engine.
 */
final class Replies {
    private static final Logger log = LoggerFactory.getLogger(Replies.class);
    private static final Duration HORIZON = Duration.ofSeconds(5);
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

    private final TelegramClient client;
    private final RateLimiter limiter;

    Replies(TelegramClient client, RateLimiter limiter) {
        this.client = Objects.requireNonNull(client, "client");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    /** Sends a message to {@code chatId} once the limiter allows; one retry after a 429. */
    <T extends Serializable> void send(long chatId, BotApiMethod<T> message) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            if (!awaitSlot(chatId)) {
                log.warn("reply to chat {} dropped: no rate-limit slot within {}", chatId, GIVE_UP_AFTER);
                return;
            }
            try {
                client.execute(message);
                return;
            } catch (TelegramApiRequestException e) {
                Integer retryAfter = e.getParameters() == null ? null : e.getParameters().getRetryAfter();
                if (retryAfter == null) {
                    log.warn("reply {} to chat {} refused: {}", message.getMethod(), chatId, Redact.tokens(e.getMessage()));
                    return;
                }
                // Telegram does not say which budget it was; pausing the chat is the narrow, safe choice.
                limiter.penalize(LimitScope.chat(chatId), Duration.ofSeconds(retryAfter + 1L));
                log.warn("reply {} to chat {} got 429 (retry after {} s)", message.getMethod(), chatId, retryAfter);
            } catch (TelegramApiException e) {
                log.warn("reply {} to chat {} failed: {}", message.getMethod(), chatId, Redact.tokens(e.toString()));
                return;
            }
        }
    }

    /** Answers a query (pre-checkout, callback): not a message, so no rate-limit slot. Returns false if it failed. */
    boolean answer(BotApiMethod<Boolean> answer) {
        try {
            return Boolean.TRUE.equals(client.execute(answer));
        } catch (TelegramApiException e) {
            log.warn("{} failed: {}", answer.getMethod(), Redact.tokens(e.toString()));
            return false;
        }
    }

    private boolean awaitSlot(long chatId) {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (System.nanoTime() < deadline) {
            Reservation r = limiter.reserve(RateRequest.of(chatId), HORIZON);
            Duration wait = r instanceof Reservation.Granted g ? g.delay() : ((Reservation.Denied) r).retryIn();
            if (!sleep(wait)) {
                return false;
            }
            if (r instanceof Reservation.Granted) {
                return true;
            }
        }
        return false;
    }

    private static boolean sleep(Duration d) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
