package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Priority;
import io.botdelivery.api.Redaction;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.RetryStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link DeliveringTelegramClient}'s way through the engine: a call submitted as a delivery, waited for up to the
 * client's cap, and answered as the wrapped client would answer it (Telegram's answer kept by the sender, or one made
 * from what the delivery recorded).
 */
final class EngineCalls {
    /** The client's own logger: what users configure for the wrapped calls. */
    private static final Logger log = LoggerFactory.getLogger(DeliveringTelegramClient.class);

    private final DeliveryService engine;
    private final SentAnswers answers;
    private final Duration maxWait;
    private final Priority priority;
    /** The keys of the view's sends, in call order; null: a random key per send. */
    private final IdempotencyKeySequence keys;
    private final DirectCalls direct;

    EngineCalls(DeliveryService engine, SentAnswers answers, Duration maxWait, Priority priority,
                IdempotencyKeySequence keys, DirectCalls direct) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.priority = Objects.requireNonNull(priority, "priority");
        this.keys = keys;
        this.direct = Objects.requireNonNull(direct, "direct");
    }

    /**
     * Through the engine. When the store cannot take the delivery (it is unreachable), the call goes out directly in
     * budget instead, as an upload does: an interactive answer, or an admin's alert that the store is down, is worth
     * more now than durable later; it is then neither stored nor ordered behind the chat's queued deliveries.
     */
    <T extends Serializable> CompletableFuture<T> deliver(long chatId, PartialBotApiMethod<T> method,
                                                                   DirectCalls.PlainCall<T> directCall) {
        Submission submission;
        try {
            DeliveryRequest.Builder builder = TelegramDeliveries.builder(chatId, method).priority(priority)
                    .businessReference(DeliveringTelegramClient.REFERENCE_PREFIX + method.getMethod());
            if (keys != null) {
                builder.idempotencyKey(keys.next());
            }
            DeliveryRequest request = builder.build();
            submission = engine.submit(request);
        } catch (InvalidDeliveryException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("the engine refused " + method.getMethod()
                    + ": " + e.getMessage(), e));
        } catch (RetryStoreException e) {
            log.warn("the store did not take {} for chat {} ({}); sending it directly within the budget",
                    method.getMethod(), chatId, Redaction.redact(e.getMessage()));
            return direct.inBudget(chatId, MethodChats.messagesIn(method), directCall);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("the delivery engine is shutting down; "
                    + method.getMethod() + " was not sent", e));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        submission.outcome().toCompletableFuture()
                .orTimeout(maxWait.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((delivery, error) -> {
                    try {
                        result.complete(answer(method, submission, delivery, error));
                    } catch (TelegramApiException | RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    private <T extends Serializable> T answer(PartialBotApiMethod<T> method, Submission submission, Delivery delivery,
                                              Throwable error) throws TelegramApiException {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                boolean cancelled = engine.cancel(submission.id());
                throw new UndeliveredException(method.getMethod() + " was not sent within " + maxWait
                        + (cancelled ? "; cancelled, it will not be sent" : "; it may still arrive"),
                        submission.id(), null, !cancelled);
            }
            // the engine closed before the outcome was known here
            throw new UndeliveredException(method.getMethod() + ": " + cause.getMessage(), submission.id(), null, true);
        }
        if (delivery.status() != DeliveryStatus.DELIVERED) {
            throw new UndeliveredException(method.getMethod() + " " + delivery.status()
                    + (delivery.lastError() == null ? "" : ": " + delivery.lastError()), submission.id(), delivery, false);
        }
        Optional<String> answer = answers.take(submission.id());
        if (answer.isPresent()) {
            return method.deserializeResponse(answer.get());
        }
        log.debug("the answer to delivery {} is not in this process (sent by another instance?); answering with its ids",
                submission.id());
        return method.deserializeResponse(RecordedAnswers.of(method.getMethod(), delivery));
    }
}
