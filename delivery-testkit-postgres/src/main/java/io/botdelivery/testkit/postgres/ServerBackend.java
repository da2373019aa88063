package io.botdelivery.testkit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What {@link PostgresServer} needs from an embedded or an external server. Shared database administration lives here. */
abstract class ServerBackend {

    /** Databases this backend created and has not dropped yet. */
    protected final Set<String> createdDatabases = ConcurrentHashMap.newKeySet();

    abstract boolean isEmbedded();

    /** A new connection to the maintenance database, as a user that may create databases. */
    abstract Connection adminConnection() throws SQLException;

    /** A database of this server as a {@link TestDatabase}. */
    abstract TestDatabase describeDatabase(String name);

    abstract void stop();

    abstract void start();

    abstract boolean isRunning();

    abstract void close();

    abstract String describe();

    TestDatabase createDatabase(String name) {
        requireRunning("create a database");
        // a generated identifier (letters, digits, underscores): DDL cannot take bound parameters
        execute("CREATE DATABASE " + quote(name), "create database " + name);
        createdDatabases.add(name);
        return describeDatabase(name);
    }

    void dropDatabase(TestDatabase database) {
        if (!isRunning()) {
            start();
        }
        execute("DROP DATABASE IF EXISTS " + quote(database.name()) + " WITH (FORCE)", "drop database " + database.name());
        createdDatabases.remove(database.name());
    }

    int terminateBackends(TestDatabase database) {
        requireRunning("terminate backends");
        String sql = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                + "WHERE datname = ? AND pid <> pg_backend_pid()";
        try (Connection c = adminConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, database.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not terminate the backends of " + database.name() + " on " + describe(), e);
        }
    }

    protected void execute(String sql, String what) {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not " + what + " on " + describe() + ": " + e.getMessage(), e);
        }
    }

    private void requireRunning(String action) {
        if (!isRunning()) {
            throw new IllegalStateException("cannot " + action + ": the PostgreSQL server is stopped; call start() first");
        }
    }

    static String quote(String identifier) {
        if (!identifier.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain identifier: " + identifier);
        }
        return '"' + identifier + '"';
    }
}
