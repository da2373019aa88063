package io.botdelivery.sender.telegram;

import io.botdelivery.api.Redaction;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of {@link TelegramSender}. {@link #toString()} never shows the token.
 *
 * @param token                 the bot token from @BotFather
 * @param apiUrl                the Bot API server: {@code https://api.telegram.org}, a self-hosted server or a
 *                              simulator; scheme, host and port only (TelegramBots calls {@code /bot<token>/<method>} at
 *                              its root)
 * @param connectTimeout        giving up on connecting (nothing was sent: transient)
 * @param writeTimeout          giving up on writing the request (nothing was sent: transient)
 * @param readTimeout           giving up on the answer once the request was written (ambiguous)
 * @param maxConcurrentRequests calls in flight at once (OkHttp's per-host limit, default 5, is far too low)
 * @param fileIdCacheSize       uploads whose file_id is remembered (0 disables the cache)
 */
public record TelegramSenderConfig(String token, URI apiUrl, Duration connectTimeout, Duration writeTimeout,
                                   Duration readTimeout, int maxConcurrentRequests, int fileIdCacheSize) {

    public static final URI TELEGRAM_API = URI.create("https://api.telegram.org");

    /**
     * How long the sender's HTTP client keeps an idle connection to the Bot API (OkHttp's own default); an application
     * that gives the sender its own client should keep them as long. A send that needs a new connection arrives a
     * handshake later than its slot (TCP's round trip, TLS's one or two more): beyond the limiter's arrival margin it
     * shares a window with the next window's sends and Telegram answers 429. The engine's cold start holds sends behind
     * such late arrivals only while it is cold, so the connections a busy moment opened must still be there for the
     * next one: with 30 s and at most 32 kept, a saturated 30 msg/s lane opened 9-18 connections mid-run in every
     * 2-minute scenario run, and each drew its arrival 100 ms late (the simulator's handshake at a 100 ms round trip).
     */
    public static final Duration IDLE_CONNECTION_KEEP_ALIVE = Duration.ofMinutes(5);

    public TelegramSenderConfig {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (token.isBlank() || token.chars().anyMatch(c -> c == '/' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("telegram.token must be the bot token from @BotFather (no spaces or slashes)");
        }
        if (!("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme())) || apiUrl.getHost() == null) {
            throw new IllegalArgumentException("telegram.apiUrl must be http(s)://host[:port], was " + apiUrl);
        }
        if (apiUrl.getPath() != null && !apiUrl.getPath().isEmpty() && !apiUrl.getPath().equals("/")) {
            throw new IllegalArgumentException("telegram.apiUrl must not have a path (TelegramBots calls /bot<token>/<method> at the root), was " + apiUrl);
        }
        for (Duration d : new Duration[] {connectTimeout, writeTimeout, readTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("telegram timeouts must be positive");
            }
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("telegram.maxConcurrentRequests must be at least 1");
        }
        if (fileIdCacheSize < 0) {
            throw new IllegalArgumentException("telegram.fileIdCacheSize must not be negative");
        }
    }

    /** Telegram's public API with sensible timeouts: connect 10 s, write 60 s, read 60 s; 64 concurrent calls; 10 000 cached file ids. */
    public static TelegramSenderConfig defaults(String token) {
        return new TelegramSenderConfig(token, TELEGRAM_API, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(60), 64, 10_000);
    }

    public TelegramSenderConfig withApiUrl(URI url) {
        return new TelegramSenderConfig(token, url, connectTimeout, writeTimeout, readTimeout, maxConcurrentRequests, fileIdCacheSize);
    }

    public TelegramSenderConfig withTimeouts(Duration connect, Duration write, Duration read) {
        return new TelegramSenderConfig(token, apiUrl, connect, write, read, maxConcurrentRequests, fileIdCacheSize);
    }

    public TelegramSenderConfig withMaxConcurrentRequests(int max) {
        return new TelegramSenderConfig(token, apiUrl, connectTimeout, writeTimeout, readTimeout, max, fileIdCacheSize);
    }

    public TelegramSenderConfig withFileIdCacheSize(int size) {
        return new TelegramSenderConfig(token, apiUrl, connectTimeout, writeTimeout, readTimeout, maxConcurrentRequests, size);
    }

    /** The port to connect to: the URL's, or the scheme's default. */
    int port() {
        return apiUrl.getPort() >= 0 ? apiUrl.getPort() : ("https".equals(apiUrl.getScheme()) ? 443 : 80);
    }

    @Override
    public String toString() {
        return "TelegramSenderConfig[token=" + Redaction.maskToken(token) + ", apiUrl=" + apiUrl + ", connectTimeout="
                + connectTimeout + ", writeTimeout=" + writeTimeout + ", readTimeout=" + readTimeout
                + ", maxConcurrentRequests=" + maxConcurrentRequests + ", fileIdCacheSize=" + fileIdCacheSize + "]";
    }
}
