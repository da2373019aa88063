package io.botdelivery.testkit.postgres;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/**
 * One fresh database on a {@link PostgresServer}, made for one test class (or one test) and dropped afterwards.
 *
 * @param name     the database name
 * @param jdbcUrl  a JDBC URL naming this database (without user and password)
 * @param user     the user to connect as
 * @param password the password, or {@code null} for none (the embedded server trusts local connections)
 */
public record TestDatabase(String name, String jdbcUrl, String user, String password) {
    public TestDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
    }

    /** A plain, unpooled data source: every {@code getConnection()} opens a new connection. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /** Opens a new connection (the caller closes it). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    @Override
    public String toString() {
        // never print the password
        return "TestDatabase[" + jdbcUrl + " as " + user + "]";
    }
}
