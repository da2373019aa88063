package io.botdelivery.example.updates;

import org.telegram.telegrambots.meta.api.objects.Update;

import java.util.concurrent.CompletionStage;

/**
 * The one step both ways of taking updates share (long polling in {@link UpdateLoop}, Telegram's webhook in
 * {@link WebhookServer}): handle an update and say when Telegram may be told it was handled. Polling then moves its
 * offset past it; the webhook answers 200. Until then Telegram keeps the update and sends it again, so an update whose
 * effects are not durable (a paid pack the store could not take) is never lost.
 */
@FunctionalInterface
public interface UpdateHandler {
    /**
     * Starts handling {@code update}; may be called again with the same update after a crash or a failure, so what it
     * makes durable must be idempotent.
     *
     * @return completes normally once the update's effects are durable or it was deliberately ignored (then it is
     *         confirmed to Telegram); exceptionally if it was not handled (it is not confirmed, and Telegram sends it
     *         again)
     */
    CompletionStage<?> handle(Update update);
}
