package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The calls {@link DeliveringTelegramClient} makes on the wrapped client itself rather than through the engine: the
 * ones that are no messages (after a bot-wide pause in force) and the sends the engine cannot store (new uploads, or
 * the store is unreachable), which take their slot from the shared limiter first.
 */
final class DirectCalls {
    /** Added to every retry_after, as the engine's default {@code retryAfterMargin}: the ban must be over, not ending. */
    private static final Duration RETRY_AFTER_MARGIN = Duration.ofSeconds(1);

    private final RateLimiter limiter;
    private final Duration maxWait;
    private final RetryAfterScopePolicy retryAfterScope;

    DirectCalls(RateLimiter limiter, Duration maxWait, RetryAfterScopePolicy retryAfterScope) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.retryAfterScope = Objects.requireNonNull(retryAfterScope, "retryAfterScope");
    }

    /** A call of the wrapped client that may not be sent yet. */
    @FunctionalInterface
    interface PlainCall<T> {
        CompletableFuture<T> call() throws TelegramApiException;
    }

    /** Runs {@code call} once no bot-wide 429 pause is in force: a call during Telegram's ban would extend it. */
    <T> CompletableFuture<T> afterGlobalPause(PlainCall<T> call) {
        return after(limiter.globalPause(), call);
    }

    /**
     * A new upload: a slot from the shared limiter (the same budget as the engine's sends), then the wrapped client.
     * A slot ahead is preceded by a second read of the bot-wide pause, a limiter round trip before it (as the engine
     * and the notifier read it): a 429 taken while the upload waited (by the engine, another instance) pauses the bot,
     * and an upload sent into Telegram's ban would extend it for everyone. A 429 answer pauses the scope the
     * {@link RetryAfterScopePolicy} names, for retry_after plus a second, as the engine's would, and reaches the caller.
     */
    <T> CompletableFuture<T> inBudget(long chatId, int weight, PlainCall<T> call) {
        Reservation reservation;
        long asked = System.nanoTime();
        try {
            reservation = limiter.reserve(new RateRequest(chatId, weight, false), maxWait);
        } catch (RateLimiterUnavailableException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("no rate-limit decision: " + e.getMessage(), e));
        }
        long answered = System.nanoTime();
        if (reservation instanceof Reservation.Denied denied) {
            return CompletableFuture.failedFuture(new TelegramApiException("no slot for chat " + chatId + " within "
                    + maxWait + " (" + denied + ")"));
        }
        Duration delay = ((Reservation.Granted) reservation).delay();
        CompletableFuture<T> sent;
        if (delay.isZero() || delay.isNegative()) {
            sent = afterGlobalPause(call);
        } else {
            long slotAt = answered + delay.toNanos();
            sent = after(delay.minusNanos(answered - asked), () -> {
                Duration pause = limiter.globalPause();
                Duration toSlot = Duration.ofNanos(slotAt - System.nanoTime());
                return after(pause.compareTo(toSlot) >= 0 ? pause : toSlot, call);
            });
        }
        return sent.whenComplete((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TelegramApiRequestException e && e.getParameters() != null
                    && e.getParameters().getRetryAfter() != null) {
                LimitScope chat = LimitScope.chat(chatId);
                limiter.penalize(weight > 1 ? retryAfterScope.scopeOfAlbum(chat) : retryAfterScope.scopeOf(chat),
                        Duration.ofSeconds(e.getParameters().getRetryAfter()).plus(RETRY_AFTER_MARGIN));
            }
        });
    }

    private static <T> CompletableFuture<T> after(Duration delay, PlainCall<T> call) {
        if (delay.isZero() || delay.isNegative()) {
            return start(call);
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS))
                .thenCompose(ignored -> start(call));
    }

    private static <T> CompletableFuture<T> start(PlainCall<T> call) {
        try {
            return call.call();
        } catch (TelegramApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
