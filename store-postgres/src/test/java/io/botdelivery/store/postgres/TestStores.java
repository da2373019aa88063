package io.botdelivery.store.postgres;

import io.botdelivery.testkit.postgres.TestDatabase;

import java.time.Duration;

/** Store configurations for tests: small pools and a short connection timeout, so outage tests fail fast. */
final class TestStores {
    private TestStores() {
    }

    static PostgresRetryStoreConfig.Builder config(TestDatabase database) {
        return PostgresRetryStoreConfig.builder(database.jdbcUrl())
                .user(database.user())
                .password(database.password())
                .poolSize(4)
                .connectionTimeout(Duration.ofMillis(500));
    }
}
