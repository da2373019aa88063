package io.botdelivery.testkit.redis;

import io.botdelivery.api.Redaction;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a test Redis listens: {@code redis://[:password@]host[:port][/database]}, or {@code rediss://…} for TLS.
 *
 * @param password empty when the server needs none (never printed by {@link #toString()})
 */
public record RedisUrl(boolean tls, String host, int port, Optional<String> password, int database) {
    private static final int DEFAULT_PORT = 6379;

    public RedisUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(password, "password");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must not be negative, was " + database);
        }
    }

    /** A plain-text server on loopback without a password, database 0. */
    public static RedisUrl loopback(int port) {
        return new RedisUrl(false, "127.0.0.1", port, Optional.empty(), 0);
    }

    /** Parses {@code redis://[:password@]host[:port][/database]} (or {@code rediss://}); the port defaults to 6379. */
    public static RedisUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL (expected redis://[:password@]host[:port][/db]): " + Redaction.maskUrls(e.getMessage()), e);
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("a Redis URL starts with redis:// or rediss://, got scheme " + scheme);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("a Redis URL needs a host: redis://host:port");
        }
        return new RedisUrl("rediss".equals(scheme), uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(),
                passwordOf(uri.getUserInfo()), databaseOf(uri.getPath()));
    }

    private static Optional<String> passwordOf(String userInfo) {
        if (userInfo == null || userInfo.isEmpty()) {
            return Optional.empty();
        }
        int colon = userInfo.indexOf(':');
        String password = colon < 0 ? userInfo : userInfo.substring(colon + 1);
        return password.isEmpty() ? Optional.empty() : Optional.of(password);
    }

    private static int databaseOf(String path) {
        if (path == null || path.isEmpty() || "/".equals(path)) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the path of a Redis URL is the database number, got " + path, e);
        }
    }

    /** {@code redis://host:port} (or {@code rediss://}) without password or database, the form Redisson takes as address. */
    public String address() {
        return (tls ? "rediss://" : "redis://") + host + ":" + port;
    }

    @Override
    public String toString() {
        return address() + "/" + database + (password.isPresent() ? " (with password)" : "");
    }
}
