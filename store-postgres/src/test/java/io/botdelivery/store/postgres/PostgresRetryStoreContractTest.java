package io.botdelivery.store.postgres;

import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;

/** The whole store contract against a real PostgreSQL, every test on a database of its own. */
class PostgresRetryStoreContractTest extends RetryStoreContract {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv().freshDatabasePerTest();

    @Override
    protected RetryStore createStore(Clock clock) {
        return PostgresRetryStore.start(TestStores.config(PG.database()).build());
    }

    @Override
    protected RetryStore reopenStore(Clock clock) {
        // a second process on the same database: its own pool, no migrations to apply
        return PostgresRetryStore.start(TestStores.config(PG.database()).migrateOnStart(false).build());
    }
}
