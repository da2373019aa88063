package io.botdelivery.sender.telegram;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

/**
 * Binds the {@link SharedBotApiClient} that {@link TelegramSenderModule} and {@link TelegramNotifierModule} both
 * install. Every instance equals every other, so Guice installs it once however many of the two modules an injector
 * has, and the application needs no module of its own for the client.
 */
final class SharedBotApiClientModule extends AbstractModule {

    @Provides
    @Singleton
    SharedBotApiClient sharedBotApiClient() {
        return new SharedBotApiClient();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SharedBotApiClientModule;
    }

    @Override
    public int hashCode() {
        return SharedBotApiClientModule.class.hashCode();
    }
}
