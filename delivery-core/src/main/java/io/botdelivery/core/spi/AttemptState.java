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
 * @param sendStarted    the worker is putting the delivery on the wire now (written just before a GIVE_UP send; every
 *                       later write clears it): see {@link io.botdelivery.api.Delivery#sendStarted()}
 */
public record AttemptState(int attempts, long chatId, int deliveredItems, List<Long> messageIds, String lastError,
                           FailureClass lastErrorClass, boolean sendStarted) {
    public AttemptState {
        messageIds = List.copyOf(messageIds);
    }

    /** A state without the "send started" mark: what every write but the one before a GIVE_UP send records. */
    public AttemptState(int attempts, long chatId, int deliveredItems, List<Long> messageIds, String lastError,
                        FailureClass lastErrorClass) {
        this(attempts, chatId, deliveredItems, messageIds, lastError, lastErrorClass, false);
    }

    /** This state with the "send started" mark set or cleared. */
    public AttemptState withSendStarted(boolean started) {
        return new AttemptState(attempts, chatId, deliveredItems, messageIds, lastError, lastErrorClass, started);
    }

    /** The state as a snapshot shows it, without the "send started" mark. */
    public static AttemptState of(Delivery d) {
        return new AttemptState(d.attempts(), d.chatId(), d.deliveredItems(), d.messageIds(), d.lastError(), d.lastErrorClass());
    }
}
