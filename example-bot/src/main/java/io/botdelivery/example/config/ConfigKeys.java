package io.botdelivery.example.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every configuration key the example bot knows, with its default and meaning: the one list that the file reader,
 * the environment, the command-line flags, --help and the README table are made from.
 */
public final class ConfigKeys {
    public static final ConfigKey API_URL = new ConfigKey("bot.api-url", "https://api.telegram.org", "URL",
            "Bot API server: Telegram's, a self-hosted telegram-bot-api, or the simulator (scheme://host[:port], no path)");
    public static final ConfigKey TOKEN_FILE = new ConfigKey("bot.token-file", null, "FILE",
            "file holding the bot token from @BotFather (or set the BOT_TOKEN environment variable); never a flag value");
    public static final ConfigKey ADMINS = new ConfigKey("bot.admins", "", "ID[,ID...]",
            "Telegram user ids allowed to use /queue, /failed, /redeliver, /cancel; they also get failure alerts");
    public static final ConfigKey POLL_UPDATES = new ConfigKey("bot.poll-updates", "true", "true|false",
            "with bot.updates=polling: take updates by long polling; exactly one replica may (Telegram refuses a second poller), the others only deliver. Ignored with webhook");
    public static final ConfigKey UPDATES = new ConfigKey("bot.updates", "polling", "polling|webhook",
            "how updates arrive: polling (one machine: Telegram allows one poller per token) or webhook (Telegram POSTs them to webhook.url, and every replica behind it serves them)");
    public static final ConfigKey WEBHOOK_URL = new ConfigKey("webhook.url", null, "URL",
            "for bot.updates=webhook: the public HTTPS URL Telegram posts updates to (your load balancer in front of the replicas); every replica sets it with setWebhook at start");
    public static final ConfigKey WEBHOOK_HOST = new ConfigKey("webhook.host", "0.0.0.0", "HOST",
            "interface the webhook server binds (the load balancer must reach it; requests without the secret get 401)");
    public static final ConfigKey WEBHOOK_PORT = new ConfigKey("webhook.port", "8443", "PORT",
            "port the webhook server listens on; 0 picks a free port");
    public static final ConfigKey WEBHOOK_PATH = new ConfigKey("webhook.path", "/telegram/webhook", "PATH",
            "path the webhook server answers on (the load balancer forwards webhook.url's requests to it)");
    public static final ConfigKey WEBHOOK_SECRET_FILE = new ConfigKey("webhook.secret-file", null, "FILE",
            "file holding the webhook secret (or set BOT_WEBHOOK_SECRET): 1-256 of A-Z a-z 0-9 _ -; Telegram sends it in X-Telegram-Bot-Api-Secret-Token and the bot refuses requests without it");
    public static final ConfigKey LIMITER = new ConfigKey("limiter", "local", "local|redis",
            "rate limiter: local (one process) or redis (budgets shared by every replica)");
    public static final ConfigKey STORE = new ConfigKey("store", "memory", "memory|postgres",
            "delivery queue: memory (lost on exit) or postgres (durable, shared by every replica)");
    public static final ConfigKey REDIS_URL = new ConfigKey("redis.url", "redis://127.0.0.1:6379", "URL",
            "Redis for limiter=redis, redis://[user:password@]host:port[/db]");
    public static final ConfigKey REDIS_OUTAGE = new ConfigKey("redis.outage-policy", "fail_closed", "fail_closed|local_share",
            "while Redis is unreachable: fail_closed sends nothing, local_share sends at 1/redis.instances of the budget");
    public static final ConfigKey REDIS_INSTANCES = new ConfigKey("redis.instances", "1", "N",
            "how many replicas share the budget (for local_share)");
    public static final ConfigKey POSTGRES_URL = new ConfigKey("postgres.url", "jdbc:postgresql://127.0.0.1:5432/botdelivery",
            "JDBC-URL", "PostgreSQL for store=postgres");
    public static final ConfigKey POSTGRES_USER = new ConfigKey("postgres.user", "botdelivery", "NAME",
            "PostgreSQL user (the password comes from BOT_POSTGRES_PASSWORD or postgres.password-file)");
    public static final ConfigKey POSTGRES_PASSWORD_FILE = new ConfigKey("postgres.password-file", null, "FILE",
            "file holding the PostgreSQL password (or set BOT_POSTGRES_PASSWORD)");
    public static final ConfigKey GLOBAL_PER_SECOND = new ConfigKey("limits.global-per-second", "30", "N",
            "messages per second for the whole bot (Telegram: about 30)");
    public static final ConfigKey PRIVATE_CHAT_PER_SECOND = new ConfigKey("limits.private-chat-per-second", "1", "N",
            "messages per second to one private chat (Telegram: 1)");
    public static final ConfigKey GROUP_PER_MINUTE = new ConfigKey("limits.group-per-minute", "20", "N",
            "messages per minute to one group or channel (Telegram: 20)");
    public static final ConfigKey PAID_PER_SECOND = new ConfigKey("limits.paid-broadcast-per-second", "1000", "N",
            "messages per second in the paid-broadcast lane (Telegram: up to 1000, charged in Stars)");
    public static final ConfigKey ARRIVAL_MARGIN = new ConfigKey("limits.arrival-margin-ms", "50", "MS",
            "the lanes' windows (global, paid broadcast) are this much longer, so sends that reach Telegram a little late still stay in budget");
    public static final ConfigKey CHAT_ARRIVAL_MARGIN = new ConfigKey("limits.chat-arrival-margin-ms", "250", "MS",
            "each chat's window is this much longer: a chat's next send is often due exactly a window after the last, so one late arrival would draw a 429");
    public static final ConfigKey MAX_CONCURRENT_SENDS = new ConfigKey("engine.max-concurrent-sends", "0", "N",
            "sends on the wire at once; 0: sized by the engine from the lanes' rates and the measured Bot API round trip (16 to 512), N: fixed at N");
    public static final ConfigKey MAX_BUFFERED = new ConfigKey("engine.max-buffered", "1000", "N",
            "deliveries this process holds in memory at once; the rest wait in the store");
    public static final ConfigKey CLAIM_BATCH = new ConfigKey("engine.claim-batch", "100", "N",
            "deliveries taken from the store per poll");
    public static final ConfigKey POLL_INTERVAL = new ConfigKey("engine.poll-interval-ms", "1000", "MILLIS",
            "how often the store is polled for due retries and owed alerts");
    public static final ConfigKey LEASE_SECONDS = new ConfigKey("engine.lease-seconds", "60", "SECONDS",
            "how long a replica's claim on a delivery lasts; after a crash the deliveries it held go to the other replicas when it ends");
    public static final ConfigKey HTTP_PORT = new ConfigKey("http.port", "8080", "PORT",
            "port of the ops endpoint (/health/live, /health/ready, /metrics); 0 picks a free port, -1 turns it off");
    public static final ConfigKey HTTP_HOST = new ConfigKey("http.host", "127.0.0.1", "HOST",
            "interface the ops endpoint binds; 127.0.0.1 keeps it on this machine, 0.0.0.0 exposes it (then set a metrics token)");
    public static final ConfigKey METRICS_TOKEN_FILE = new ConfigKey("http.metrics-token-file", null, "FILE",
            "file holding a bearer token /metrics requires (or set BOT_METRICS_TOKEN); unset: /metrics is open to whoever reaches http.host");
    public static final ConfigKey STARTUP_WAIT = new ConfigKey("startup.wait", "60", "SECONDS",
            "how long start-up waits for a store, Telegram or Redis that does not answer (one line each, retried with backoff) before it exits 1; 0 gives up at once");

    /** Keys every subcommand reads. */
    public static final List<ConfigKey> ALL = List.of(API_URL, TOKEN_FILE, ADMINS, POLL_UPDATES, UPDATES,
            WEBHOOK_URL, WEBHOOK_HOST, WEBHOOK_PORT, WEBHOOK_PATH, WEBHOOK_SECRET_FILE, LIMITER, STORE, REDIS_URL, REDIS_OUTAGE, REDIS_INSTANCES,
            POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD_FILE, GLOBAL_PER_SECOND, PRIVATE_CHAT_PER_SECOND,
            GROUP_PER_MINUTE, PAID_PER_SECOND, ARRIVAL_MARGIN, CHAT_ARRIVAL_MARGIN, MAX_CONCURRENT_SENDS, MAX_BUFFERED, CLAIM_BATCH, POLL_INTERVAL, LEASE_SECONDS, HTTP_PORT, HTTP_HOST, METRICS_TOKEN_FILE, STARTUP_WAIT);

    /** Per-product keys, below {@code products.<id>.}: only in the config file (and its env overrides). */
    public static final List<String> PRODUCT_FIELDS = List.of("title", "description", "price-stars", "photos", "video", "document");

    /** Secrets read only from the environment (or a file), never from a flag. */
    public static final String TOKEN_ENV = "BOT_TOKEN";
    public static final String POSTGRES_PASSWORD_ENV = "BOT_POSTGRES_PASSWORD";
    public static final String METRICS_TOKEN_ENV = "BOT_METRICS_TOKEN";
    public static final String WEBHOOK_SECRET_ENV = "BOT_WEBHOOK_SECRET";
    /** The config file, when not given with --config. */
    public static final String CONFIG_FILE_ENV = "BOT_CONFIG";

    private static final Map<String, ConfigKey> BY_NAME = ALL.stream().collect(Collectors.toMap(ConfigKey::name, Function.identity()));

    private ConfigKeys() {
    }

    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether {@code name} is a key a config file may hold: a known key, or a product field. */
    static boolean isKnown(String name) {
        if (BY_NAME.containsKey(name)) {
            return true;
        }
        String[] parts = name.split("\\.");
        return parts.length == 3 && parts[0].equals("products") && PRODUCT_FIELDS.contains(parts[2]);
    }
}
