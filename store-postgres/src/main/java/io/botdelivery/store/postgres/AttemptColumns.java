package io.botdelivery.store.postgres;

import io.botdelivery.core.spi.LeasedWrites.Attempt;

import java.util.List;

/**
 * A batch of attempts for {@code DeliveryMapper.recordAttemptAll}, turned column-wise as {@link NewRowColumns} turns
 * new rows: one array per column of {@link Progress}, each bound as one parameter and unnested by PostgreSQL, so the
 * statement's text is the same for any batch size. Ids and message id lists go as text and the statement casts them.
 */
final class AttemptColumns {
    final String[] ids;
    final Integer[] attempts;
    final Long[] chatIds;
    final Integer[] deliveredItems;
    final String[] messageIds;
    final String[] lastErrors;
    final String[] lastErrorClasses;
    final Boolean[] sendStarted;

    AttemptColumns(List<Attempt> batch) {
        int n = batch.size();
        ids = new String[n];
        attempts = new Integer[n];
        chatIds = new Long[n];
        deliveredItems = new Integer[n];
        messageIds = new String[n];
        lastErrors = new String[n];
        lastErrorClasses = new String[n];
        sendStarted = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Progress p = Progress.of(batch.get(i).state());
            ids[i] = batch.get(i).id().value().toString();
            attempts[i] = p.attempts;
            chatIds[i] = p.chatId;
            deliveredItems[i] = p.deliveredItems;
            messageIds[i] = NewRowColumns.arrayLiteral(p.messageIds);
            lastErrors[i] = p.lastError;
            lastErrorClasses[i] = p.lastErrorClass;
            sendStarted[i] = p.sendStarted;
        }
    }
}
