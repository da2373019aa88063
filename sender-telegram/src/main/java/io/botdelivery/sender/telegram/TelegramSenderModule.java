package io.botdelivery.sender.telegram;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.spi.Sender;

import java.util.Objects;

/** Binds {@link Sender} to one {@link TelegramSender}. Building it opens no connection; close it at shutdown. */
public final class TelegramSenderModule extends AbstractModule {
    private final TelegramSenderConfig config;

    public TelegramSenderModule(TelegramSenderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Provides
    @Singleton
    Sender sender() {
        return new TelegramSender(config);
    }
}
