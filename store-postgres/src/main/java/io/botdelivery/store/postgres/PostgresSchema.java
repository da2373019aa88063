package io.botdelivery.store.postgres;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The store's schema: Flyway migrations shipped in this jar under {@value #MIGRATIONS}. {@link PostgresRetryStore}
 * applies them at start when {@code migrateOnStart} is set; otherwise run them once per release with this class's
 * {@link #main} (or any Flyway tool pointed at the same location and schema).
 */
public final class PostgresSchema {

    /** Where the migrations are in the jar. */
    public static final String MIGRATIONS = "classpath:db/migration/bot-delivery";

    private PostgresSchema() {
    }

    /**
     * Creates or upgrades the store's tables and views in {@code schema}. Safe to call from many instances at once
     * (Flyway serializes them with a lock). Returns how many migrations were applied.
     */
    public static int migrate(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(schema, "schema");
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .locations(MIGRATIONS)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }

    /**
     * Command line: {@code java -cp <store-postgres and its dependencies> io.botdelivery.store.postgres.PostgresSchema
     * <jdbcUrl> [schema]}, with the user and password in {@code PGUSER} and {@code PGPASSWORD} (or in the URL).
     */
    public static void main(String[] args) throws SQLException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: PostgresSchema <jdbcUrl> [schema]   (user/password from PGUSER/PGPASSWORD or the URL)");
            System.exit(2);
        }
        String url = args[0];
        String schema = args.length > 1 ? args[1] : PostgresRetryStoreConfig.DEFAULT_SCHEMA;
        String user = System.getenv("PGUSER");
        String password = System.getenv("PGPASSWORD");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
        try (Connection ignored = dataSource.getConnection()) {
            int applied = migrate(dataSource, schema);
            System.out.println("schema " + schema + ": " + applied + " migration(s) applied");
        }
    }
}
