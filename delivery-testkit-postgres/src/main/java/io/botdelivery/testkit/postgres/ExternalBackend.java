package io.botdelivery.testkit.postgres;

import io.botdelivery.api.Redaction;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server named by a JDBC URL. It cannot be stopped from here, so {@link #stop()} makes every database this backend
 * created refuse connections ({@code ALLOW_CONNECTIONS false}) and terminates their backends; {@link #start()} lets
 * connections in again. To a client that is indistinguishable from an outage.
 */
final class ExternalBackend extends ServerBackend {
    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]+)(?:/([^?]*))?(?:\\?(.*))?$");

    private final String hostPart;
    private final String maintenanceDatabase;
    private final String otherParameters;
    private final String user;
    private final String password;
    private volatile boolean running = true;

    private ExternalBackend(String hostPart, String maintenanceDatabase, String otherParameters, String user, String password) {
        this.hostPart = hostPart;
        this.maintenanceDatabase = maintenanceDatabase;
        this.otherParameters = otherParameters;
        this.user = user;
        this.password = password;
    }

    static ExternalBackend connect(String jdbcUrl, String user, String password) {
        Matcher m = URL.matcher(jdbcUrl.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(PostgresServer.URL_ENV + " must look like jdbc:postgresql://host:5432/postgres"
                    + " (optionally ?user=…&password=…), was: " + Redaction.maskUrls(jdbcUrl));
        }
        Map<String, String> params = parseParameters(m.group(3));
        String u = user != null && !user.isBlank() ? user : params.remove("user");
        String p = password != null ? password : params.remove("password");
        params.remove("user");
        params.remove("password");
        if (u == null) {
            throw new IllegalArgumentException("no user for " + PostgresServer.URL_ENV + ": set " + PostgresServer.USER_ENV
                    + " or put ?user=… in the URL");
        }
        String db = m.group(2) == null || m.group(2).isBlank() ? "postgres" : m.group(2);
        List<String> rest = new ArrayList<>();
        params.forEach((k, v) -> rest.add(k + "=" + v));
        ExternalBackend backend = new ExternalBackend(m.group(1), db, String.join("&", rest), u, p);
        try (Connection ignored = backend.adminConnection()) {
            return backend;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the PostgreSQL named by " + PostgresServer.URL_ENV + " ("
                    + backend.describe() + "): " + e.getMessage() + ". Fix the URL/user/password or unset "
                    + PostgresServer.URL_ENV + " to use the embedded server.", e);
        }
    }

    private static Map<String, String> parseParameters(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isBlank()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return params;
    }

    @Override
    boolean isEmbedded() {
        return false;
    }

    @Override
    Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(url(maintenanceDatabase), user, password);
    }

    @Override
    TestDatabase describeDatabase(String name) {
        return new TestDatabase(name, url(name), user, password);
    }

    private String url(String database) {
        return hostPart + "/" + database + (otherParameters.isEmpty() ? "" : "?" + otherParameters);
    }

    @Override
    synchronized void stop() {
        if (!running) {
            return;
        }
        for (String name : createdDatabases) {
            execute("ALTER DATABASE " + quote(name) + " WITH ALLOW_CONNECTIONS false", "block connections to " + name);
            terminateBackends(describeDatabase(name));
        }
        running = false;
    }

    @Override
    synchronized void start() {
        if (running) {
            return;
        }
        for (String name : createdDatabases) {
            execute("ALTER DATABASE " + quote(name) + " WITH ALLOW_CONNECTIONS true", "allow connections to " + name);
        }
        running = true;
    }

    @Override
    boolean isRunning() {
        return running;
    }

    @Override
    synchronized void close() {
        start();
        for (String name : List.copyOf(createdDatabases)) {
            dropDatabase(describeDatabase(name));
        }
    }

    @Override
    String describe() {
        return "external PostgreSQL " + url(maintenanceDatabase) + " as " + user;
    }
}
