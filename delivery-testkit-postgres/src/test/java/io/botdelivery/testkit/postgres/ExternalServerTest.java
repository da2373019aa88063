package io.botdelivery.testkit.postgres;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@value PostgresServer#URL_ENV} path, exercised against the embedded server reached by its URL (as a CI job with
 * its own PostgreSQL would reach that one).
 */
@DisplayName("An external server named by a JDBC URL")
class ExternalServerTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private static String maintenanceUrl() {
        String url = PG.database().jdbcUrl();
        return url.substring(0, url.lastIndexOf('/')) + "/postgres";
    }

    @Test
    @DisplayName("hands out fresh databases, reads the user from the URL, and drops what it created when closed")
    void databasesFromUrl() throws SQLException {
        TestDatabase created;
        try (PostgresServer external = PostgresServer.external(maintenanceUrl() + "?user=" + PG.database().user() + "&ApplicationName=kit", null, null)) {
            assertThat(external.isEmbedded()).isFalse();
            created = external.createDatabase();
            assertThat(created.user()).isEqualTo(PG.database().user());
            assertThat(created.jdbcUrl()).contains("ApplicationName=kit").doesNotContain("user=");
            try (Connection c = created.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v int)");
            }
        }
        assertThat(databaseExists(created.name())).isFalse();
    }

    @Test
    @DisplayName("stops by refusing and cutting connections to its databases, and starts by letting them in again")
    void outageByBlockingConnections() throws SQLException {
        try (PostgresServer external = PostgresServer.external(maintenanceUrl(), PG.database().user(), null)) {
            TestDatabase db = external.createDatabase();
            Connection open = db.connect();
            try {
                external.stop();

                assertThat(external.isRunning()).isFalse();
                assertThatThrownBy(() -> open.createStatement().executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
                assertThatThrownBy(db::connect).isInstanceOf(SQLException.class).hasMessageContaining("not currently accepting connections");
            } finally {
                open.close();
            }

            external.start();

            try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("refuses a URL it cannot use, saying what it expects and never echoing a password")
    void badUrl() {
        assertThatThrownBy(() -> PostgresServer.external("postgres://db/x?password=hunter2", "u", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> PostgresServer.external("jdbc:postgresql://127.0.0.1:1/postgres", "u", "p"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(PostgresServer.URL_ENV);
    }

    private static boolean databaseExists(String name) throws SQLException {
        try (Connection c = PG.database().connect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
