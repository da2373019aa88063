package io.botdelivery.example.config;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The example bot's typed configuration (every key is described in {@link ConfigKeys}). Secrets are not part of it:
 * they are read on demand by {@link #botToken} and {@link #postgresPassword}, so this record can be logged.
 *
 * @param apiUrl    the Bot API server
 * @param admins    user ids allowed to run admin commands; they receive failure alerts
 * @param limiter   which rate limiter adapter
 * @param store     which store adapter
 * @param redis     Redis, for limiter=redis
 * @param postgres  PostgreSQL, for store=postgres
 * @param budgets   the rate budgets to stay within
 * @param engine    engine tuning
 * @param http      the ops endpoint (/health/live, /health/ready, /metrics)
 * @param catalog   the shop's products
 * @param pollUpdates whether this instance takes updates by long polling (one replica only; ignored with a webhook)
 * @param webhook   how Telegram's webhook requests are served ({@code bot.updates=webhook}), or {@code null} when
 *                  updates are taken by long polling
 */
public record BotConfig(URI apiUrl, Set<Long> admins, LimiterChoice limiter, StoreChoice store, RedisSettings redis,
                        PostgresSettings postgres, RateBudgets budgets, EngineSettings engine, HttpSettings http,
                        Catalog catalog, boolean pollUpdates, WebhookSettings webhook) {

    /**
     * The webhook: Telegram posts each update to {@code publicUrl}, the load balancer forwards it to some replica's
     * server at {@code host:port} and {@code path}.
     *
     * @param publicUrl the URL given to setWebhook
     * @param host      interface the server binds
     * @param port      port it listens on (0: any free port)
     * @param path      path it answers on
     * @param secret    the secret_token Telegram sends back in {@code X-Telegram-Bot-Api-Secret-Token}
     */
    public record WebhookSettings(URI publicUrl, String host, int port, String path, Secret secret) {
        public WebhookSettings {
            Objects.requireNonNull(publicUrl, "publicUrl");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(secret, "secret");
            checkEndpoint(port, path);
        }

        /** The rules of a webhook endpoint, shared with the server that listens on it. */
        public static void checkEndpoint(int port, String path) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with /");
            }
        }
    }

    /** The webhook secret's shape, Telegram's rule for secret_token. */
    static final java.util.regex.Pattern WEBHOOK_SECRET = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,256}");

    /** Where Redis is, and what to do while it is unreachable. */
    public record RedisSettings(URI url, boolean localShareDuringOutage, int instances) {
        public RedisSettings {
            Objects.requireNonNull(url, "url");
        }

        public static RedisSettings at(URI url) {
            return new RedisSettings(url, false, 1);
        }
    }

    /** Where PostgreSQL is; the password is a {@link Secret} (or {@code null} for trust/peer authentication). */
    public record PostgresSettings(String jdbcUrl, String user, Secret password) {
        public PostgresSettings {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(user, "user");
        }
    }

    /**
     * The ops endpoint.
     *
     * @param host         interface to bind (default loopback)
     * @param port         0: any free port, -1: off
     * @param metricsToken bearer token {@code /metrics} requires, or {@code null} for none
     */
    public record HttpSettings(String host, int port, Secret metricsToken) {
        public HttpSettings {
            Objects.requireNonNull(host, "host");
        }

        /** On loopback at {@code port}, metrics open. */
        public static HttpSettings local(int port) {
            return new HttpSettings("127.0.0.1", port, null);
        }
    }

    /**
     * Engine tuning taken from configuration.
     *
     * @param leaseLength how long a replica's claim on a delivery lasts: after a crash ({@code kill -9}) the deliveries
     *                    it held come back to the other replicas when it ends
     */
    public record EngineSettings(int maxConcurrentSends, int maxBuffered, int claimBatch, Duration pollInterval,
                                 Duration leaseLength) {
        public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

        public EngineSettings {
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(leaseLength, "leaseLength");
        }

        /** With the default lease (60 s). */
        public EngineSettings(int maxConcurrentSends, int maxBuffered, int claimBatch, Duration pollInterval) {
            this(maxConcurrentSends, maxBuffered, claimBatch, pollInterval, DEFAULT_LEASE);
        }
    }

    public BotConfig {
        Objects.requireNonNull(apiUrl, "apiUrl");
        admins = Set.copyOf(admins);
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(postgres, "postgres");
        Objects.requireNonNull(budgets, "budgets");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(catalog, "catalog");
    }

    private enum OutageChoice { FAIL_CLOSED, LOCAL_SHARE }

    private enum YesNo { TRUE, FALSE }

    private enum UpdatesChoice { POLLING, WEBHOOK }

    /** Whether Telegram delivers updates to this bot's webhook (else this replica may long-poll). */
    public boolean webhookMode() {
        return webhook != null;
    }

    public boolean isAdmin(long userId) {
        return admins.contains(userId);
    }

    /**
     * Reads and checks every key.
     *
     * @throws ConfigException listing every wrong or missing value, each naming its key, its source and what is expected
     */
    /** {@code startup.wait}: how long start-up waits for dependencies that do not answer (see StartupChecks). */
    public static Duration startupWait(LayeredSettings settings) {
        SettingsReader r = new SettingsReader(settings);
        int seconds = r.intIn(ConfigKeys.STARTUP_WAIT.name(), 0, 86_400);
        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return Duration.ofSeconds(seconds);
    }

    public static BotConfig from(LayeredSettings settings, Map<String, String> env) {
        SettingsReader r = new SettingsReader(settings);
        URI apiUrl = r.uri(ConfigKeys.API_URL.name(), Set.of("http", "https"), false, "https://api.telegram.org");
        Set<Long> admins = r.longSet(ConfigKeys.ADMINS.name(), "comma-separated Telegram user ids (positive whole numbers), e.g. 12345,67890");
        LimiterChoice limiter = r.choice(ConfigKeys.LIMITER.name(), LimiterChoice.class);
        StoreChoice store = r.choice(ConfigKeys.STORE.name(), StoreChoice.class);
        URI redisUrl = r.uri(ConfigKeys.REDIS_URL.name(), Set.of("redis", "rediss"), true, "redis://127.0.0.1:6379");
        if (redisUrl != null && !redisDatabaseOk(redisUrl)) {
            r.problem(SettingsReader.bad(settings.get(ConfigKeys.REDIS_URL.name()).orElseThrow(),
                    "a Redis URL whose path is empty or a database number (0 to 9999), such as redis://127.0.0.1:6379/0"));
            redisUrl = null;
        }
        OutageChoice outage = r.choice(ConfigKeys.REDIS_OUTAGE.name(), OutageChoice.class);
        int instances = r.intIn(ConfigKeys.REDIS_INSTANCES.name(), 1, 1000);
        String pgUrl = r.string(ConfigKeys.POSTGRES_URL.name(), "a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/botdelivery");
        if (pgUrl != null && !pgUrl.startsWith("jdbc:postgresql://")) {
            r.problem(SettingsReader.bad(settings.get(ConfigKeys.POSTGRES_URL.name()).orElseThrow(),
                    "a JDBC URL starting with jdbc:postgresql://"));
        }
        String pgUser = r.string(ConfigKeys.POSTGRES_USER.name(), "a PostgreSQL user name");
        Secret pgPassword = store == StoreChoice.POSTGRES ? postgresPassword(settings, env, r) : null;
        int global = r.intIn(ConfigKeys.GLOBAL_PER_SECOND.name(), 1, 100_000);
        int perChat = r.intIn(ConfigKeys.PRIVATE_CHAT_PER_SECOND.name(), 1, 1_000);
        int perGroup = r.intIn(ConfigKeys.GROUP_PER_MINUTE.name(), 1, 60_000);
        int paid = r.intIn(ConfigKeys.PAID_PER_SECOND.name(), 1, 100_000);
        int arrivalMarginMillis = r.intIn(ConfigKeys.ARRIVAL_MARGIN.name(), 0, 1_000);
        int chatArrivalMarginMillis = r.intIn(ConfigKeys.CHAT_ARRIVAL_MARGIN.name(), 0, 10_000);
        EngineSettings engine = new EngineSettings(
                r.intIn(ConfigKeys.MAX_CONCURRENT_SENDS.name(), 0, 1024),
                r.intIn(ConfigKeys.MAX_BUFFERED.name(), 1, 1_000_000),
                r.intIn(ConfigKeys.CLAIM_BATCH.name(), 1, 100_000),
                Duration.ofMillis(r.intIn(ConfigKeys.POLL_INTERVAL.name(), 10, 600_000)),
                Duration.ofSeconds(r.intIn(ConfigKeys.LEASE_SECONDS.name(), 2, 3_600)));
        int httpPort = r.intIn(ConfigKeys.HTTP_PORT.name(), -1, 65_535);
        String httpHost = r.string(ConfigKeys.HTTP_HOST.name(), "an interface address such as 127.0.0.1 or 0.0.0.0");
        Secret metricsToken = secret(ConfigKeys.METRICS_TOKEN_ENV, ConfigKeys.METRICS_TOKEN_FILE, settings, env, r).orElse(null);
        Catalog catalog = CatalogReader.read(settings, r);
        boolean pollUpdates = r.choice(ConfigKeys.POLL_UPDATES.name(), YesNo.class) == YesNo.TRUE;
        WebhookSettings webhook = r.choice(ConfigKeys.UPDATES.name(), UpdatesChoice.class) == UpdatesChoice.WEBHOOK
                ? webhook(settings, env, r, httpPort) : null;
        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        RateBudgets budgets = new RateBudgets(Budget.perSecond(global), Budget.perSecond(perChat),
                Budget.of(perGroup, Duration.ofMinutes(1)), Budget.perSecond(paid))
                .withArrivalMargins(Duration.ofMillis(arrivalMarginMillis), Duration.ofMillis(chatArrivalMarginMillis));
        return new BotConfig(apiUrl, admins, limiter, store,
                new RedisSettings(redisUrl, outage == OutageChoice.LOCAL_SHARE, instances), new PostgresSettings(pgUrl, pgUser, pgPassword),
                budgets, engine, new HttpSettings(httpHost, httpPort, metricsToken), catalog, pollUpdates, webhook);
    }

    /**
     * The bot token: the {@code BOT_TOKEN} environment variable, else the file named by {@code bot.token-file}. Never
     * a flag (flags show in {@code ps}); the value is never part of a message.
     *
     * @throws ConfigException if neither is set, the file cannot be read, or the token is not shaped like one
     */
    public static Secret botToken(LayeredSettings settings, Map<String, String> env) {
        SettingsReader r = new SettingsReader(settings);
        Optional<Secret> token = secret(ConfigKeys.TOKEN_ENV, ConfigKeys.TOKEN_FILE, settings, env, r);
        if (token.isEmpty() && r.problems().isEmpty()) {
            r.problem("bot token: missing; set the " + ConfigKeys.TOKEN_ENV + " environment variable, or "
                    + ConfigKeys.TOKEN_FILE.name() + " (" + ConfigKeys.TOKEN_FILE.envName() + ", " + ConfigKeys.TOKEN_FILE.flagName()
                    + ") to a file holding the token @BotFather gave you");
        }
        token.ifPresent(t -> {
            if (!t.value().matches("\\d{1,20}:[A-Za-z0-9_-]{1,100}")) {
                r.problem("bot token: expected the form 123456789:AAE... that @BotFather gives (the value is not shown)");
            }
        });
        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return token.orElseThrow();
    }

    /** The webhook keys, read only with {@code bot.updates=webhook}; {@code null} when one is wrong (reported to {@code r}). */
    private static WebhookSettings webhook(LayeredSettings settings, Map<String, String> env, SettingsReader r, int httpPort) {
        URI url = r.uri(ConfigKeys.WEBHOOK_URL.name(), Set.of("https", "http"), true,
                "https://bot.example.com/telegram/webhook (required with bot.updates=webhook; Telegram accepts https only, on port 443, 80, 88 or 8443)");
        String host = r.string(ConfigKeys.WEBHOOK_HOST.name(), "an interface address such as 0.0.0.0 or 127.0.0.1");
        int port = r.intIn(ConfigKeys.WEBHOOK_PORT.name(), 0, 65_535);
        if (port != 0 && port == httpPort) {
            r.problem(ConfigKeys.WEBHOOK_PORT.name() + ": expected a port other than " + ConfigKeys.HTTP_PORT.name()
                    + "'s (" + port + "); the webhook and the ops endpoint are separate servers");
        }
        String path = r.string(ConfigKeys.WEBHOOK_PATH.name(), "a path such as /telegram/webhook");
        if (path != null && !path.matches("/[A-Za-z0-9._~/-]*")) {
            r.problem(SettingsReader.bad(settings.get(ConfigKeys.WEBHOOK_PATH.name()).orElseThrow(),
                    "a path starting with / made of letters, digits and . _ ~ - /, such as /telegram/webhook"));
            path = null;
        }
        Optional<Secret> secret = secret(ConfigKeys.WEBHOOK_SECRET_ENV, ConfigKeys.WEBHOOK_SECRET_FILE, settings, env, r);
        if (secret.isEmpty() && r.problems().stream().noneMatch(p -> p.startsWith(ConfigKeys.WEBHOOK_SECRET_FILE.name()))) {
            r.problem("webhook secret: missing with bot.updates=webhook; set the " + ConfigKeys.WEBHOOK_SECRET_ENV
                    + " environment variable, or " + ConfigKeys.WEBHOOK_SECRET_FILE.name() + " ("
                    + ConfigKeys.WEBHOOK_SECRET_FILE.envName() + ", " + ConfigKeys.WEBHOOK_SECRET_FILE.flagName()
                    + ") to a file holding it; without it anyone who finds the URL could post fake payments");
        }
        if (secret.isPresent() && !WEBHOOK_SECRET.matcher(secret.get().value()).matches()) {
            r.problem("webhook secret: expected 1 to 256 characters from A-Z, a-z, 0-9, _ and - (Telegram's rule for "
                    + "secret_token; the value is not shown)");
            secret = Optional.empty();
        }
        if (url == null || host == null || path == null || secret.isEmpty() || !r.problems().isEmpty()) {
            return null;
        }
        return new WebhookSettings(url, host, port, path, secret.get());
    }

    /** The URL's path names a database by number, or nothing (Redisson would fail later with a raw exception). */
    private static boolean redisDatabaseOk(URI url) {
        String path = url.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return true;
        }
        return path.matches("/\\d{1,4}");
    }

    private static Secret postgresPassword(LayeredSettings settings, Map<String, String> env, SettingsReader r) {
        return secret(ConfigKeys.POSTGRES_PASSWORD_ENV, ConfigKeys.POSTGRES_PASSWORD_FILE, settings, env, r).orElse(null);
    }

    private static Optional<Secret> secret(String envName, ConfigKey fileKey, LayeredSettings settings,
                                           Map<String, String> env, SettingsReader r) {
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Secret(fromEnv.trim()));
        }
        Optional<Path> file = r.readableFile(fileKey.name());
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file.get()).trim();
            if (text.isEmpty()) {
                r.problem(fileKey.name() + ": the file " + file.get() + " is empty; expected the secret on its first line");
                return Optional.empty();
            }
            return Optional.of(new Secret(text.lines().findFirst().orElseThrow().trim()));
        } catch (IOException e) {
            r.problem(fileKey.name() + ": cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }
}
