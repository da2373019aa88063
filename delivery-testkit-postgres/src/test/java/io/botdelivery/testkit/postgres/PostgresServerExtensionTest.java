package io.botdelivery.testkit.postgres;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PostgresServerExtension")
class PostgresServerExtensionTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private static String classDatabaseSeenByOuterTest;

    @Test
    @DisplayName("gives the class a database it can write to and read back")
    void writableDatabase() throws SQLException {
        classDatabaseSeenByOuterTest = PG.database().name();
        try (Connection c = PG.database().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (v int)");
            s.execute("INSERT INTO t VALUES (42)");
            assertThat(queryInt(s, "SELECT max(v) FROM t")).isEqualTo(42);
            assertThat(queryString(s, "SELECT current_database()")).isEqualTo(PG.database().name());
        }
    }

    @Test
    @DisplayName("runs PostgreSQL 17 when embedded")
    void version() throws SQLException {
        try (Connection c = PG.database().connect(); Statement s = c.createStatement()) {
            int major = queryInt(s, "SELECT current_setting('server_version_num')::int / 10000");
            if (PG.server().isEmbedded()) {
                assertThat(major).isEqualTo(17);
            } else {
                assertThat(major).as("external server version").isGreaterThanOrEqualTo(14);
            }
        }
    }

    @Nested
    @DisplayName("when the server goes away")
    class Outages {
        @Test
        @DisplayName("a stop breaks open connections and refuses new ones; a start brings back the same data at the same URL")
        void stopAndStart() throws SQLException {
            try (Connection c = PG.database().connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('before the outage')");
            }
            Connection open = PG.database().connect();
            try {
                PG.server().stop();

                assertThat(PG.server().isRunning()).isFalse();
                assertThatThrownBy(() -> queryInt(open.createStatement(), "SELECT 1")).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> PG.database().connect()).isInstanceOf(SQLException.class);
            } finally {
                open.close();
            }

            PG.server().start();

            try (Connection c = PG.database().connect(); Statement s = c.createStatement()) {
                assertThat(queryString(s, "SELECT v FROM kept")).isEqualTo("before the outage");
            }
        }

        @Test
        @DisplayName("terminating backends breaks the open connections of the database and nothing else")
        void terminateBackends() throws SQLException {
            try (Connection victim = PG.database().connect()) {
                assertThat(queryInt(victim.createStatement(), "SELECT 1")).isEqualTo(1);

                assertThat(PG.terminateBackends()).isGreaterThanOrEqualTo(1);

                assertThatThrownBy(() -> queryInt(victim.createStatement(), "SELECT 1")).isInstanceOf(SQLException.class);
            }
            try (Connection fresh = PG.database().connect()) {
                assertThat(queryInt(fresh.createStatement(), "SELECT 1")).isEqualTo(1);
            }
        }

        @Test
        @DisplayName("a nested class shares its outer class's database")
        void nestedSharesDatabase() throws SQLException {
            try (Connection c = PG.database().connect(); Statement s = c.createStatement()) {
                assertThat(queryString(s, "SELECT current_database()")).isEqualTo(PG.database().name());
            }
            if (classDatabaseSeenByOuterTest != null) {
                assertThat(PG.database().name()).isEqualTo(classDatabaseSeenByOuterTest);
            }
        }
    }

    @Nested
    @DisplayName("with a database per test")
    class PerTest {
        @RegisterExtension
        final PostgresServerExtension perTest = PostgresServerExtension.embeddedOrFromEnv().freshDatabasePerTest();

        @Test
        @DisplayName("each test starts from an empty database of its own")
        void emptyDatabase() throws SQLException {
            assertThat(perTest.database().name()).isNotEqualTo(PG.database().name());
            try (Connection c = perTest.database().connect(); Statement s = c.createStatement()) {
                assertThat(queryInt(s, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
                s.execute("CREATE TABLE only_here (v int)");
            }
        }

        @Test
        @DisplayName("the next test does not see the previous test's tables")
        void isolated() throws SQLException {
            emptyDatabase();
        }
    }

    private static int queryInt(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
