package io.botdelivery.example.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.util.Modules;
import io.botdelivery.api.Redaction;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.ops.HealthCheck;
import io.botdelivery.example.ops.OpsServer;
import io.botdelivery.sender.telegram.BotApiHttpClients;
import io.botdelivery.sender.telegram.DeliveringTelegramClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The running delivery side of the bot: the Guice injector over the configured adapters, the started engine, and the
 * /metrics + /health endpoint. {@link #close()} shuts down in the order that loses nothing: endpoint, engine (finishes
 * sends on the wire, hands held deliveries back to the store), then the adapters' connections.
 */
public final class BotRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BotRuntime.class);

    private final BotConfig config;
    private final Injector injector;
    private final DeliveryEngine engine;
    private final OpsServer ops;

    private BotRuntime(BotConfig config, Injector injector, DeliveryEngine engine, OpsServer ops) {
        this.config = config;
        this.injector = injector;
        this.engine = engine;
        this.ops = ops;
    }

    /**
     * Wires the adapters the configuration names, starts the engine and the ops endpoint.
     *
     * @param overrides bindings that replace the configured ones (tests share one store between two runs this way)
     */
    public static BotRuntime start(BotConfig config, Secret token, Module... overrides) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(token, "token");
        List<Module> modules = new ArrayList<>(AdapterModules.forConfig(config, token));
        modules.add(new EngineModule(config));
        modules.add(new TelegramClientModule(config, token));
        Injector injector = Guice.createInjector(Stage.PRODUCTION, Modules.override(modules).with(overrides));
        verifyTelegram(injector.getInstance(TelegramClient.class), config);
        DeliveryEngine engine = injector.getInstance(DeliveryEngine.class).start();
        if (injector.getInstance(RetryStore.class) instanceof io.botdelivery.store.postgres.PostgresRetryStore postgres) {
            // another replica's submit (LISTEN/NOTIFY) is picked up at once instead of at the next poll
            postgres.onNewWork(engine::wakeUp);
        }
        OpsServer ops = null;
        BotConfig.HttpSettings http = config.http();
        if (http.port() >= 0) {
            try {
                ops = OpsServer.start(new OpsServer.Settings(http.host(), http.port(),
                                Optional.ofNullable(http.metricsToken()).map(Secret::value)),
                        injector.getInstance(PrometheusMeterRegistry.class), healthChecks(injector, config));
            } catch (IOException e) {
                engine.close();
                throw new UncheckedIOException("cannot serve the ops endpoint on " + http.host() + ":" + http.port()
                        + " (set http.host and http.port to a free address, http.port 0 for any port, -1 for none)", e);
            }
        }
        log.info("bot-delivery started: limiter={}, store={}, Bot API {}", config.limiter(), config.store(), config.apiUrl());
        return new BotRuntime(config, injector, engine, ops);
    }

    /**
     * Asks Telegram who the bot is before anything is sent: a wrong token or URL stops start-up with a clear message
     * (instead of deliveries piling up), and the client's connection is warm before the first user is answered.
     */
    private static void verifyTelegram(TelegramClient client, BotConfig config) {
        try {
            client.execute(new org.telegram.telegrambots.meta.api.methods.GetMe());
        } catch (org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException e) {
            if (e.getErrorCode() != null && (e.getErrorCode() == 401 || e.getErrorCode() == 404)) {
                throw new io.botdelivery.example.config.ConfigException("bot token: the Bot API at " + config.apiUrl()
                        + " refused it (" + e.getErrorCode() + "); check BOT_TOKEN or bot.token-file, and bot.api-url");
            }
            log.warn("Telegram did not answer getMe at start ({}); starting anyway, deliveries wait until it does",
                    Redaction.redact(e.getMessage()));
        } catch (org.telegram.telegrambots.meta.exceptions.TelegramApiException e) {
            log.warn("Telegram at {} is not reachable yet ({}); starting anyway, deliveries wait until it is",
                    config.apiUrl(), Redaction.redact(e.toString()));
        }
    }

    private static final Duration STORE_CHECK_MAX_AGE = Duration.ofSeconds(5);

    private static List<HealthCheck> healthChecks(Injector injector, BotConfig config) {
        RetryStore store = injector.getInstance(RetryStore.class);
        RateLimiter limiter = injector.getInstance(RateLimiter.class);
        TelegramClient client = injector.getInstance(TelegramClient.class);
        return List.of(
                // the summary counts rows: cached, so probes from several load balancers cost one query per interval
                HealthCheck.of("store", () -> {
                    long total = store.summary().total();
                    return HealthCheck.Status.up(config.store().name().toLowerCase(java.util.Locale.ROOT) + ", " + total + " deliveries");
                }).cached(STORE_CHECK_MAX_AGE, Clock.systemUTC()),
                AdapterModules.limiterHealth(config, limiter),
                new TelegramHealthCheck(client, config.apiUrl().toString()));
    }

    public DeliveryEngine engine() {
        return engine;
    }

    /** The store's read queries (what any replica did shows here, not only this engine's work). */
    public io.botdelivery.core.spi.DeliveryQueries store() {
        return injector.getInstance(RetryStore.class);
    }

    public RateLimiter limiter() {
        return injector.getInstance(RateLimiter.class);
    }

    public TelegramClient telegramClient() {
        return injector.getInstance(TelegramClient.class);
    }

    /** The shop's replies: the plain client wrapped so that every message goes through the engine. */
    public DeliveringTelegramClient deliveringClient() {
        return injector.getInstance(DeliveringTelegramClient.class);
    }

    /** The bot's one HTTP client: derive others from it ({@link OkHttpClient#newBuilder()}), never build another. */
    public OkHttpClient httpClient() {
        return injector.getInstance(OkHttpClient.class);
    }

    public TelegramUrl telegramUrl() {
        return injector.getInstance(TelegramUrl.class);
    }

    public PrometheusMeterRegistry meterRegistry() {
        return injector.getInstance(PrometheusMeterRegistry.class);
    }

    public BotConfig config() {
        return config;
    }

    /** The port of the ops endpoint (/health/live, /health/ready, /metrics), or -1 when it is off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    @Override
    public void close() {
        if (ops != null) {
            ops.close();
        }
        engine.close();
        for (Class<?> port : List.of(Sender.class, Notifier.class, RateLimiter.class, RetryStore.class)) {
            Object adapter = injector.getInstance(port);
            if (adapter instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.warn("closing {} failed: {}", adapter.getClass().getSimpleName(), e.toString());
                }
            }
        }
        // the shared HTTP client last: the sender and the notifier above left its connections and threads to us
        OkHttpClient http = injector.getInstance(OkHttpClient.class);
        BotApiHttpClients.shutdown(http);
        log.info("bot-delivery stopped");
    }
}
