package io.botdelivery.sender.telegram;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
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
    private final RateLimiter limiter;
    private final Duration maxWait;

    DirectCalls(RateLimiter limiter, Duration maxWait) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
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
     * A 429 answer pauses the chat for every sender sharing the limiter and reaches the caller.
     */
    <T> CompletableFuture<T> inBudget(long chatId, int weight, PlainCall<T> call) {
        Reservation reservation;
        try {
            reservation = limiter.reserve(new RateRequest(chatId, weight, false), maxWait);
        } catch (RateLimiterUnavailableException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("no rate-limit decision: " + e.getMessage(), e));
        }
        if (reservation instanceof Reservation.Denied denied) {
            return CompletableFuture.failedFuture(new TelegramApiException("no slot for chat " + chatId + " within "
                    + maxWait + " (" + denied + ")"));
        }
        Duration delay = ((Reservation.Granted) reservation).delay();
        Duration pause = limiter.globalPause();
        return this.<T>after(delay.compareTo(pause) >= 0 ? delay : pause, call).whenComplete((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TelegramApiRequestException e && e.getParameters() != null
                    && e.getParameters().getRetryAfter() != null) {
                limiter.penalize(LimitScope.chat(chatId), Duration.ofSeconds(e.getParameters().getRetryAfter()));
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
