package io.botdelivery.sender.telegram;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.spi.Sender;

import java.util.Objects;

/**
 * Binds {@link Sender} to one {@link TelegramSender}. Building it opens no connection; close it at shutdown. The sender
 * shares its HTTP client with a {@link TelegramNotifierModule}'s notifier in the same injector (one client per token:
 * alerts find the connections the sends keep open); the client is shut down when the last of the two closes.
 */
public final class TelegramSenderModule extends AbstractModule {
    private final TelegramSenderConfig config;

    public TelegramSenderModule(TelegramSenderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        install(new SharedBotApiClientModule());
    }

    @Provides
    @Singleton
    Sender sender(SharedBotApiClient http) {
        return new TelegramSender(config, http);
    }
}
