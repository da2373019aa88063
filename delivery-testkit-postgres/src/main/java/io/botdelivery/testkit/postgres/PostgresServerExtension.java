package io.botdelivery.testkit.postgres;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Supplier;

/**
 * JUnit 5 extension that gives a test class a real PostgreSQL and a fresh database of its own.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();
 *
 * @Test void works() { DataSource ds = PG.database().dataSource(); ... }
 * }</pre>
 *
 * <p>The server is {@link PostgresServer#shared()}: the embedded PostgreSQL (started once per JVM, about a second),
 * or the external server named by {@value PostgresServer#URL_ENV} (user/password in the URL or in
 * {@value PostgresServer#USER_ENV} / {@value PostgresServer#PASSWORD_ENV}). If neither can be had the tests fail with
 * a message saying what to do; they are never skipped.
 *
 * <p>Each test class gets a new database, dropped after the class ({@code @Nested} classes share their outer class's
 * database); {@link #freshDatabasePerTest()} gives every test its own. A test that stops the server gets it back
 * running after the test, so one failing outage test does not break the next class.
 */
public final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Supplier<PostgresServer> servers;
    private final boolean perTest;
    private PostgresServer server;
    private TestDatabase classDatabase;
    private TestDatabase testDatabase;
    private int classDepth;

    private PostgresServerExtension(Supplier<PostgresServer> servers, boolean perTest) {
        this.servers = servers;
        this.perTest = perTest;
    }

    /** The shared embedded server, or the one named by {@value PostgresServer#URL_ENV}; a database per test class. */
    public static PostgresServerExtension embeddedOrFromEnv() {
        return new PostgresServerExtension(PostgresServer::shared, false);
    }

    /** The same server, but a new database for every test (slower: each one is created and dropped). */
    public PostgresServerExtension freshDatabasePerTest() {
        return new PostgresServerExtension(servers, true);
    }

    /** The server (to stop, restart, or terminate backends). Available from {@code @BeforeAll} on. */
    public PostgresServer server() {
        if (server == null) {
            throw new IllegalStateException("the PostgreSQL extension has not started yet: register it with "
                    + "@RegisterExtension on a static field and use it from @BeforeAll, @BeforeEach or a test");
        }
        return server;
    }

    /** The current test's database: the test's own with {@link #freshDatabasePerTest()}, otherwise the class's. */
    public TestDatabase database() {
        TestDatabase current = testDatabase != null ? testDatabase : classDatabase;
        if (current == null) {
            throw new IllegalStateException("no database yet: register the extension with @RegisterExtension on a static "
                    + "field (a database per class) and use it from @BeforeAll, @BeforeEach or a test");
        }
        return current;
    }

    /** Breaks every open connection to the current database; returns how many. */
    public int terminateBackends() {
        return server().terminateBackends(database());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classDepth++ == 0) {
            server = servers.get();
            classDatabase = server.createDatabase();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (server == null) {
            server = servers.get();
        }
        if (perTest || classDatabase == null) {
            testDatabase = server.createDatabase();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!server.isRunning()) {
            server.start();
        }
        if (testDatabase != null) {
            TestDatabase done = testDatabase;
            testDatabase = null;
            server.dropDatabase(done);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classDepth == 0 && classDatabase != null) {
            if (!server.isRunning()) {
                server.start();
            }
            TestDatabase done = classDatabase;
            classDatabase = null;
            server.dropDatabase(done);
        }
    }
}
