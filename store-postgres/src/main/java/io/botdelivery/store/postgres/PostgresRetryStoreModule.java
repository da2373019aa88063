package io.botdelivery.store.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.core.spi.RetryStore;

import java.util.Objects;

/**
 * Binds {@link RetryStore} to one {@link PostgresRetryStore} per injector. Nothing is opened while the injector is
 * configured: the store is built and {@linkplain PostgresRetryStore#start() started} (pool, migrations, listener) when
 * it is first provided. The application closes it on shutdown ({@code if (store instanceof AutoCloseable c) c.close()}).
 */
public final class PostgresRetryStoreModule extends AbstractModule {
    private final PostgresRetryStoreConfig config;

    public PostgresRetryStoreModule(PostgresRetryStoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Provides
    @Singleton
    RetryStore retryStore() {
        return PostgresRetryStore.start(config);
    }
}
