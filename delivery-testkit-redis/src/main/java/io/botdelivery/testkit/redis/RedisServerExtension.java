package io.botdelivery.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests: by default the binary shipped in {@code com.github.codemonstur:embedded-redis},
 * started on a free loopback port (never the fixed 6379), or the server named by the environment variable
 * {@value #URL_ENV} ({@code redis://[:password@]host[:port][/db]}). A missing or unreachable server fails the test
 * class with a message saying what to do; it is never skipped.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();
 * }</pre>
 *
 * <p>Register it on a {@code static} field: the server starts before the class's first test and stops after its last
 * (its {@code @Nested} classes share it).
 * An embedded server can be {@linkplain #stop() stopped} and {@linkplain #restart() restarted} on the same port for
 * outage tests; a restarted server is a new process, so its data and its script cache are empty. Thread-safe.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    /** Environment variable naming an external Redis to test against instead of the embedded one. */
    public static final String URL_ENV = "DELIVERY_TEST_REDIS_URL";

    private static final int FIXED_DEFAULT_PORT = 6379;
    private static final int START_ATTEMPTS = 5;

    private final RedisUrl externalUrl;
    private RedisServer server;
    private RedisUrl url;
    /** The test class that started the server: nested classes inherit the extension but must not stop it. */
    private String owner;

    private RedisServerExtension(RedisUrl externalUrl) {
        this.externalUrl = externalUrl;
    }

    /** The server named by {@value #URL_ENV} when it is set, otherwise an embedded server on a free port. */
    public static RedisServerExtension embeddedOrFromEnv() {
        String fromEnv = System.getenv(URL_ENV);
        if (fromEnv == null || fromEnv.isBlank()) {
            return embedded();
        }
        try {
            return new RedisServerExtension(RedisUrl.parse(fromEnv));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URL_ENV + " is not a usable Redis URL (" + e.getMessage()
                    + "); set it to redis://[:password@]host[:port][/db] or unset it to use the embedded Redis", e);
        }
    }

    /**
     * Always an embedded server on a free port, whatever the environment says: for tests that must stop and restart
     * their server.
     */
    public static RedisServerExtension embedded() {
        return new RedisServerExtension(null);
    }

    /** An already running server at {@code url}; it cannot be stopped or restarted by the test. */
    public static RedisServerExtension external(String url) {
        return new RedisServerExtension(RedisUrl.parse(url));
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (owner == null) {
            owner = context.getUniqueId();
            start();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            close();
        }
    }

    /** Starts the embedded server, or checks that the external one answers. Does nothing when already started. */
    public synchronized void start() {
        if (url != null) {
            return;
        }
        if (externalUrl != null) {
            requireAnswers(externalUrl, "the Redis named by " + URL_ENV + " (" + externalUrl + ") does not answer PING;"
                    + " start it, or unset " + URL_ENV + " to test against the embedded Redis");
            url = externalUrl;
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            RedisServer candidate = build(port);
            try {
                candidate.start();
                server = candidate;
                url = RedisUrl.loopback(port);
                return;
            } catch (IOException e) {
                // most likely another process took the port between our probe and Redis binding it: try another
                last = e;
            }
        }
        throw new IllegalStateException("could not start the embedded Redis from com.github.codemonstur:embedded-redis"
                + " after " + START_ATTEMPTS + " attempts; set " + URL_ENV + "=redis://host:port to use another server", last);
    }

    /** Where the server listens. */
    public synchronized RedisUrl url() {
        if (url == null) {
            throw new IllegalStateException("the Redis server is not started: register the extension on a static field"
                    + " with @RegisterExtension, or call start()");
        }
        return url;
    }

    /** {@code redis://host:port}: the address form Redisson takes. */
    public String address() {
        return url().address();
    }

    public boolean isEmbedded() {
        return externalUrl == null;
    }

    /** Whether the server is up: false between {@link #stop()} and {@link #restart()}. */
    public synchronized boolean isRunning() {
        return url != null && (server == null || server.isActive());
    }

    /** Stops the embedded server (its port stays reserved for {@link #restart()}). Idempotent. */
    public synchronized void stop() {
        RedisServer embeddedServer = requireEmbedded("stop");
        try {
            embeddedServer.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded Redis on port " + url.port(), e);
        }
    }

    /**
     * Starts the embedded server again on the same port, as a new process: no keys and no cached scripts, exactly what
     * clients see after a real Redis restart. Stops it first if it is running.
     */
    public synchronized void restart() {
        RedisServer embeddedServer = requireEmbedded("restart");
        try {
            embeddedServer.stop();
            embeddedServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart the embedded Redis on port " + url.port()
                    + " (is another process now listening there?)", e);
        }
    }

    /**
     * Runs one command on the server with a fresh connection (for assertions and set-up, not for the code under
     * test): a String for status and bulk replies, a Long for integers, a List for arrays, null for nil.
     */
    public Object command(String... words) {
        Objects.requireNonNull(words, "words");
        try (RespConnection connection = RespConnection.open(url())) {
            return connection.command(words);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis command " + words[0] + " failed on " + url(), e);
        }
    }

    /** The keys matching a glob {@code pattern}, found with SCAN (safe on a shared server). */
    public List<String> keys(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        try (RespConnection connection = RespConnection.open(url())) {
            List<String> found = new ArrayList<>();
            String cursor = "0";
            do {
                List<?> reply = (List<?>) connection.command("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
                cursor = (String) reply.get(0);
                for (Object key : (List<?>) reply.get(1)) {
                    found.add((String) key);
                }
            } while (!"0".equals(cursor));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("SCAN failed on " + url(), e);
        }
    }

    /** Stops the embedded server for good. The extension calls this after the test class. */
    public synchronized void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop the embedded Redis", e);
            } finally {
                server = null;
                url = null;
            }
        }
    }

    private RedisServer requireEmbedded(String what) {
        if (externalUrl != null) {
            throw new IllegalStateException("cannot " + what + " the external Redis named by " + URL_ENV
                    + ": a test that stops its server must use RedisServerExtension.embedded()");
        }
        if (server == null) {
            throw new IllegalStateException("cannot " + what + " the embedded Redis: it was never started");
        }
        return server;
    }

    private static RedisServer build(int port) {
        try {
            return RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    // a test server keeps nothing on disk: a restart must come back empty, like a failed-over replica
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the embedded Redis binary (it is unpacked into"
                    + " java.io.tmpdir); set " + URL_ENV + "=redis://host:port to use another server", e);
        }
    }

    private static int freeLoopbackPort() {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (port != FIXED_DEFAULT_PORT) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port for the embedded Redis", e);
            }
        }
        throw new IllegalStateException("the system kept offering port " + FIXED_DEFAULT_PORT);
    }

    private static void requireAnswers(RedisUrl target, String message) {
        try (RespConnection connection = RespConnection.open(target)) {
            Object reply = connection.command("PING");
            if (!"PONG".equals(reply)) {
                throw new IllegalStateException(message + " (it answered " + reply + ")");
            }
        } catch (IOException e) {
            throw new IllegalStateException(message + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public synchronized String toString() {
        return (isEmbedded() ? "embedded Redis " : "external Redis ") + (url == null ? "(not started)" : url);
    }
}
