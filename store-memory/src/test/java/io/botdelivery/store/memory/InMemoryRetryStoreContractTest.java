package io.botdelivery.store.memory;

import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;

import java.time.Clock;

class InMemoryRetryStoreContractTest extends RetryStoreContract {
    @Override
    protected RetryStore createStore(Clock clock) {
        return new InMemoryRetryStore();
    }
}
