package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.FailureClass;

import java.util.List;

/**
 * A delivery's progress after an attempt that did not finish it, as the engine writes it back to the store.
 *
 * @param attempts       failed sends so far
 * @param chatId         current target (after a migration)
 * @param deliveredItems album items already delivered
 * @param messageIds     Telegram message ids received so far
 * @param lastError      text of the last error, or {@code null}
 * @param lastErrorClass class of the last error, or {@code null}
 */
public record AttemptState(int attempts, long chatId, int deliveredItems, List<Long> messageIds, String lastError,
                           FailureClass lastErrorClass) {
    public AttemptState {
        messageIds = List.copyOf(messageIds);
    }

    /** The state as a snapshot shows it. */
    public static AttemptState of(Delivery d) {
        return new AttemptState(d.attempts(), d.chatId(), d.deliveredItems(), d.messageIds(), d.lastError(), d.lastErrorClass());
    }
}
