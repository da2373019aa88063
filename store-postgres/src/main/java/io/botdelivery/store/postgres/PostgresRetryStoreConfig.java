package io.botdelivery.store.postgres;

import io.botdelivery.api.Redaction;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of {@link PostgresRetryStore}. Lease length, claim batch and poll interval are the engine's
 * ({@code EngineConfig}): the store takes each lease and batch as an argument and never polls, so it has none of its own. Build with {@link #builder(String)}; every value is checked when built
 * and a bad one names its key and what it accepts.
 *
 * @param jdbcUrl           e.g. {@code jdbc:postgresql://db:5432/shop}
 * @param user              database user, or {@code null} when the URL carries it
 * @param password          database password, or {@code null}; never printed
 * @param poolSize          maximum connections in this instance's pool
 * @param schema            schema holding the store's tables and views (created by the migrations)
 * @param migrateOnStart    apply the Flyway migrations shipped in the jar when the store starts
 * @param listenNotify      announce new work with PostgreSQL NOTIFY and listen for it ({@link PostgresRetryStore#onNewWork})
 * @param connectionTimeout how long an operation waits for a connection before it fails with
 *                          {@link io.botdelivery.core.spi.RetryStoreException}
 */
public record PostgresRetryStoreConfig(
        String jdbcUrl,
        String user,
        String password,
        int poolSize,
        String schema,
        boolean migrateOnStart,
        boolean listenNotify,
        Duration connectionTimeout) {

    public static final int DEFAULT_POOL_SIZE = 10;
    public static final String DEFAULT_SCHEMA = "bot_delivery";
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,53}");

    public PostgresRetryStoreConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        check(jdbcUrl.startsWith("jdbc:postgresql:"), "jdbcUrl", "must start with jdbc:postgresql:, e.g. jdbc:postgresql://db:5432/shop");
        check(poolSize >= 1 && poolSize <= 1000, "poolSize", "1 to 1000, was " + poolSize);
        Objects.requireNonNull(schema, "schema");
        check(IDENTIFIER.matcher(schema).matches(), "schema",
                "a plain lowercase identifier (letters, digits, underscores; at most 54), was \"" + schema + "\"");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        check(connectionTimeout.toMillis() >= 250, "connectionTimeout", "at least 250 ms (HikariCP's minimum), was " + connectionTimeout);
    }

    /** Defaults for everything but the URL: see the {@code DEFAULT_*} constants; migrations and LISTEN/NOTIFY on. */
    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    public Builder toBuilder() {
        return new Builder(jdbcUrl).user(user).password(password).poolSize(poolSize).schema(schema)
.migrateOnStart(migrateOnStart)
                .listenNotify(listenNotify).connectionTimeout(connectionTimeout);
    }

    private static void check(boolean ok, String key, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("store-postgres config " + key + ": " + rule);
        }
    }

    @Override
    public String toString() {
        return "PostgresRetryStoreConfig[jdbcUrl=" + Redaction.maskUrls(jdbcUrl) + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", poolSize=" + poolSize + ", schema=" + schema
                + ", migrateOnStart=" + migrateOnStart + ", listenNotify=" + listenNotify
                + ", connectionTimeout=" + connectionTimeout + "]";
    }

    /** Builds a {@link PostgresRetryStoreConfig}; starts from the defaults. */
    public static final class Builder {
        private final String jdbcUrl;
        private String user;
        private String password;
        private int poolSize = DEFAULT_POOL_SIZE;
        private String schema = DEFAULT_SCHEMA;
        private boolean migrateOnStart = true;
        private boolean listenNotify = true;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;

        private Builder(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        public Builder schema(String schema) {
            this.schema = schema;
            return this;
        }

        public Builder migrateOnStart(boolean migrateOnStart) {
            this.migrateOnStart = migrateOnStart;
            return this;
        }

        public Builder listenNotify(boolean listenNotify) {
            this.listenNotify = listenNotify;
            return this;
        }

        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        public PostgresRetryStoreConfig build() {
            return new PostgresRetryStoreConfig(jdbcUrl, user, password, poolSize, schema, migrateOnStart, listenNotify, connectionTimeout);
        }
    }
}
