package io.botdelivery.store.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import io.botdelivery.core.spi.RetryStore;

/** Binds {@link RetryStore} to one {@link InMemoryRetryStore} per injector. */
public final class InMemoryRetryStoreModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(RetryStore.class).to(InMemoryRetryStore.class).in(Scopes.SINGLETON);
    }
}
