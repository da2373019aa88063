package io.botdelivery.store.h2;

import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;

import java.time.Clock;
import java.util.UUID;

/** The whole store contract on H2: each test gets a database of its own; reopening is a second pool on it. */
class H2RetryStoreContractTest extends RetryStoreContract {
    private final String database = "contract_" + UUID.randomUUID().toString().replace('-', '_');

    @Override
    protected RetryStore createStore(Clock clock) {
        return H2RetryStore.inMemory(database);
    }

    @Override
    protected RetryStore reopenStore(Clock clock) {
        return H2RetryStore.inMemory(database);
    }
}
