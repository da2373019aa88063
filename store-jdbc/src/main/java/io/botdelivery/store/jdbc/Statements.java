package io.botdelivery.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs one statement on a connection the caller's transaction holds: binds its parameters through the dialect and
 * reads {@link Rows}. Separate from {@link JdbcRetryStore} so the store reads as the queue's rules, not as JDBC
 * plumbing; it opens, commits and translates nothing (that is {@link JdbcRetryStore#transaction}).
 */
final class Statements {
    /** SQL NULL of a timestamp column: a Java {@code null} binds a text NULL, which some databases refuse there. */
    enum Null { TIMESTAMP }

    private final SqlDialect dialect;

    Statements(SqlDialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            return rs.next();
        }
    }

    List<Rows> rows(Connection c, String sql, Object... params) throws SQLException {
        List<Rows> result = new ArrayList<>();
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(Rows.read(rs, dialect));
            }
        }
        return result;
    }

    /** Every value is a bound parameter; instants go through the dialect, already at its precision. */
    PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            bind(s, params);
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant instant) {
                dialect.bindInstant(s, i + 1, instant);
            } else if (p == Null.TIMESTAMP) {
                dialect.bindInstant(s, i + 1, null);
            } else if (p == null) {
                s.setNull(i + 1, Types.VARCHAR);
            } else {
                s.setObject(i + 1, p);
            }
        }
    }

    /** {@code instant} at the dialect's precision, so what is returned equals what is read back. */
    Instant at(Instant instant) {
        return instant == null ? null : instant.truncatedTo(dialect.timestampPrecision());
    }
}
