package io.botdelivery.example.wiring;

import io.botdelivery.api.Redaction;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.ConfigException;
import io.botdelivery.example.config.LimiterChoice;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.config.StoreChoice;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Start-up's one rule for every dependency (the store, Telegram, Redis): before anything is wired, each configured one
 * is probed cheaply; one that is down gets one line naming it and why, and start-up waits with backoff (1 s, doubling,
 * at most 10 s) up to {@code startup.wait}, then starts once all answer, or gives up with those lines
 * ({@link DependencyDownException}: exit 1, no stack trace). Without this a PostgreSQL that is down ended start-up with a
 * Guice stack trace, Telegram down with a polling error, and Redis down not at all.
 *
 * <p>A wrong token (Telegram answers 401 or 404) is not "down": waiting would not help, so it is a configuration
 * error at once.
 */
public final class StartupChecks {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    /** One or more dependencies were still down when {@code startup.wait} ran out. */
    public static final class DependencyDownException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> lines;

        public DependencyDownException(List<String> lines) {
            super(String.join("; ", lines), null, false, false);
            this.lines = List.copyOf(lines);
        }

        /** One line per dependency still down. */
        public List<String> lines() {
            return lines;
        }
    }

    private StartupChecks() {
    }

    /**
     * Returns once every configured dependency answers.
     *
     * @param say where the lines go (the command's standard error)
     * @throws DependencyDownException when some are still down after {@code wait}
     * @throws ConfigException         when Telegram refuses the token
     */
    public static void awaitDependencies(BotConfig config, Secret token, Duration wait, Consumer<String> say) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(token, "token");
        long deadline = System.nanoTime() + wait.toNanos();
        Duration pause = Duration.ofSeconds(1);
        List<String> said = List.of();
        // one client for every probe: each OkHttp client keeps a connection pool of its own
        OkHttpTelegramClient telegram = new OkHttpTelegramClient(token.value(), TelegramClientModule.telegramUrl(config.apiUrl()));
        while (true) {
            List<String> down = probeAll(config, telegram);
            if (down.isEmpty()) {
                if (!said.isEmpty()) {
                    say.accept("all dependencies answer now; starting");
                }
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DependencyDownException(down);
            }
            if (!down.equals(said)) {
                // one line per dependency, repeated only when what is down changes: a long wait does not flood the log
                down.forEach(line -> say.accept(line + "; waiting up to " + wait.toSeconds() + " s (startup.wait)"));
                said = down;
            }
            sleep(Duration.ofNanos(Math.min(pause.toNanos(), left)));
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) <= 0 ? pause.multipliedBy(2) : MAX_PAUSE;
        }
    }

    private static List<String> probeAll(BotConfig config, OkHttpTelegramClient telegram) {
        List<String> down = new ArrayList<>();
        if (config.store() == StoreChoice.POSTGRES) {
            postgres(config).ifPresent(down::add);
        }
        telegram(config, telegram).ifPresent(down::add);
        if (config.limiter() == LimiterChoice.REDIS) {
            redis(config.redis().url()).ifPresent(down::add);
        }
        return down;
    }

    private static Optional<String> postgres(BotConfig config) {
        Properties props = new Properties();
        if (config.postgres().user() != null) {
            props.setProperty("user", config.postgres().user());
        }
        if (config.postgres().password() != null) {
            props.setProperty("password", config.postgres().password().value());
        }
        props.setProperty("connectTimeout", Long.toString(PROBE_TIMEOUT.toSeconds()));
        props.setProperty("loginTimeout", Long.toString(PROBE_TIMEOUT.toSeconds()));
        try (Connection ignored = DriverManager.getConnection(config.postgres().jdbcUrl(), props)) {
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("store: PostgreSQL at " + Redaction.redact(config.postgres().jdbcUrl()) + " does not answer ("
                    + Redaction.redact(firstLine(e.getMessage())) + ")");
        }
    }

    private static Optional<String> telegram(BotConfig config, OkHttpTelegramClient client) {
        try {
            client.execute(new GetMe());
            return Optional.empty();
        } catch (TelegramApiRequestException e) {
            if (e.getErrorCode() != null && (e.getErrorCode() == 401 || e.getErrorCode() == 404)) {
                throw new ConfigException("bot token: the Bot API at " + config.apiUrl() + " refused it (" + e.getErrorCode()
                        + "); check BOT_TOKEN or bot.token-file, and bot.api-url");
            }
            return Optional.of("telegram: the Bot API at " + config.apiUrl() + " answered getMe with an error ("
                    + Redaction.redact(firstLine(e.getMessage())) + ")");
        } catch (TelegramApiException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return Optional.of("telegram: the Bot API at " + config.apiUrl() + " does not answer ("
                    + Redaction.redact(cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage())) + ")");
        }
    }

    /** A TCP connect: cheap, and needs no credentials (the URL's password is never printed). */
    private static Optional<String> redis(URI url) {
        String host = url.getHost();
        int port = url.getPort() == -1 ? 6379 : url.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("redis: " + host + ":" + port + " does not answer (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + Redaction.redact(firstLine(e.getMessage()))) + ")");
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(Math.max(1, pause.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyDownException(List.of("interrupted while waiting for dependencies"));
        }
    }
}
