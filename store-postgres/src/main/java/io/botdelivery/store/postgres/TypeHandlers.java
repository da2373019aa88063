package io.botdelivery.store.postgres;

import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The MyBatis type handlers this store needs beyond MyBatis's own. */
final class TypeHandlers {

    private TypeHandlers() {
    }

    /**
     * {@link Instant} ↔ {@code timestamptz} through {@link OffsetDateTime} in UTC. MyBatis's own handler goes through
     * {@code java.sql.Timestamp} and the JVM's time zone, which shifts values around DST changes.
     */
    static final class InstantHandler extends BaseTypeHandler<Instant> {
        @Override
        public void setNonNullParameter(PreparedStatement ps, int i, Instant value, JdbcType jdbcType) throws SQLException {
            ps.setObject(i, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }

        @Override
        public Instant getNullableResult(ResultSet rs, String column) throws SQLException {
            return toInstant(rs.getObject(column, OffsetDateTime.class));
        }

        @Override
        public Instant getNullableResult(ResultSet rs, int column) throws SQLException {
            return toInstant(rs.getObject(column, OffsetDateTime.class));
        }

        @Override
        public Instant getNullableResult(CallableStatement cs, int column) throws SQLException {
            return toInstant(cs.getObject(column, OffsetDateTime.class));
        }

        private static Instant toInstant(OffsetDateTime value) {
            return value == null ? null : value.toInstant();
        }
    }

    /** {@link UUID} ↔ {@code uuid}, natively (the PostgreSQL driver supports it). */
    static final class UuidHandler extends BaseTypeHandler<UUID> {
        @Override
        public void setNonNullParameter(PreparedStatement ps, int i, UUID value, JdbcType jdbcType) throws SQLException {
            ps.setObject(i, value);
        }

        @Override
        public UUID getNullableResult(ResultSet rs, String column) throws SQLException {
            return rs.getObject(column, UUID.class);
        }

        @Override
        public UUID getNullableResult(ResultSet rs, int column) throws SQLException {
            return rs.getObject(column, UUID.class);
        }

        @Override
        public UUID getNullableResult(CallableStatement cs, int column) throws SQLException {
            return cs.getObject(column, UUID.class);
        }
    }

    /** {@code List<Long>} ↔ {@code bigint[]}. */
    static final class LongListHandler extends BaseTypeHandler<List<Long>> {
        @Override
        public void setNonNullParameter(PreparedStatement ps, int i, List<Long> value, JdbcType jdbcType) throws SQLException {
            Array array = ps.getConnection().createArrayOf("bigint", value.toArray());
            ps.setArray(i, array);
        }

        @Override
        public List<Long> getNullableResult(ResultSet rs, String column) throws SQLException {
            return toList(rs.getArray(column));
        }

        @Override
        public List<Long> getNullableResult(ResultSet rs, int column) throws SQLException {
            return toList(rs.getArray(column));
        }

        @Override
        public List<Long> getNullableResult(CallableStatement cs, int column) throws SQLException {
            return toList(cs.getArray(column));
        }

        private static List<Long> toList(Array array) throws SQLException {
            if (array == null) {
                return List.of();
            }
            try {
                return List.copyOf(Arrays.asList((Long[]) array.getArray()));
            } finally {
                array.free();
            }
        }
    }
}
