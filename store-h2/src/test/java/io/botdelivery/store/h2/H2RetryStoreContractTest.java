package io.botdelivery.store.h2;

import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;

/**
 * The whole store contract on H2, reached through an H2 TCP server (as processes sharing a database reach it), so
 * the kit's outage test can stop the server: each test gets a database of its own; reopening is a second pool on it.
 */
class H2RetryStoreContractTest extends RetryStoreContract {
    private final String database = "contract_" + UUID.randomUUID().toString().replace('-', '_');
    private Server server;

    @BeforeEach
    void startServer() throws SQLException {
        if (server == null) {
            server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        }
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private String url() {
        return "jdbc:h2:tcp://localhost:" + server.getPort() + "/mem:" + database + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    protected RetryStore createStore(Clock clock) {
        try {
            startServer();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return H2RetryStore.open(url(), "sa", "");
    }

    @Override
    protected RetryStore reopenStore(Clock clock) {
        return H2RetryStore.open(url(), "sa", "");
    }

    /** Stops the server (the in-memory database lives on in this JVM) and starts it again on the same port. */
    @Override
    protected AutoCloseable makeStorageUnreachable() {
        int port = server.getPort();
        server.stop();
        return () -> server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
    }
}
