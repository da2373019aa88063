package io.botdelivery.store.postgres;

import io.botdelivery.core.spi.AttemptState;

import java.util.List;

/** An {@link AttemptState} as statement parameters (plain fields MyBatis reads directly). */
final class Progress {
    final int attempts;
    final long chatId;
    final int deliveredItems;
    final List<Long> messageIds;
    final String lastError;
    final String lastErrorClass;
    final boolean sendStarted;

    private Progress(AttemptState s) {
        this.attempts = s.attempts();
        this.chatId = s.chatId();
        this.deliveredItems = s.deliveredItems();
        this.messageIds = s.messageIds();
        this.lastError = s.lastError();
        this.lastErrorClass = s.lastErrorClass() == null ? null : s.lastErrorClass().name();
        this.sendStarted = s.sendStarted();
    }

    static Progress of(AttemptState state) {
        return new Progress(state);
    }
}
