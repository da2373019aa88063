package io.botdelivery.store.postgres;

import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;

/** The whole store contract against a real PostgreSQL; each test starts from an empty table. */
class PostgresRetryStoreContractTest extends RetryStoreContract {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @BeforeAll
    static void migrate() {
        TestStores.migrate(PG.database());
    }

    @Override
    protected RetryStore createStore(Clock clock) {
        return TestStores.emptyStore(PG.database());
    }

    /** Stops the PostgreSQL server under the store, and starts it again. */
    @Override
    protected AutoCloseable makeStorageUnreachable() {
        PG.server().stop();
        return () -> PG.server().start();
    }

    @Override
    protected RetryStore reopenStore(Clock clock) {
        // a second process on the same database: its own pool and listener
        return TestStores.anotherStore(PG.database());
    }
}
