package io.botdelivery.example.shop;

import com.google.inject.Module;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.api.Redaction;
import io.botdelivery.example.updates.UpdateLoop;
import io.botdelivery.example.updates.WebhookServer;
import io.botdelivery.example.wiring.BotRuntime;
import io.botdelivery.example.wiring.StartupChecks;
import io.botdelivery.example.wiring.TelegramClientModule;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The shop bot running: the delivery runtime plus a {@link ShopBot} fed by long polling or by Telegram's webhook
 * ({@code bot.updates}). Both hand each update to {@link ShopBot#accept}, which says when it may be confirmed.
 * {@link #close()} is the graceful stop SIGTERM triggers: stop taking updates, finish the updates already taken (a
 * payment in hand is submitted), then close the engine (sends on the wire finish, held deliveries go back to the
 * store).
 */
public final class ShopApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShopApp.class);
    /** Update kinds the shop handles; Telegram sends nothing else. */
    static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query", "pre_checkout_query");
    private static final int UPDATE_THREADS = 4;

    private final BotRuntime runtime;
    private final ShopBot bot;
    /** Null when this instance does not poll ({@code bot.poll-updates=false}). */
    private final UpdateLoop polling;
    /** The long poll's own HTTP client (null without polling): closed with the loop. */
    private final OkHttpClient pollHttp;
    /** Null unless {@code bot.updates=webhook}. */
    private final WebhookServer webhook;
    private boolean closed;

    private ShopApp(BotRuntime runtime, ShopBot bot, UpdateLoop polling, OkHttpClient pollHttp, WebhookServer webhook) {
        this.runtime = runtime;
        this.bot = bot;
        this.polling = polling;
        this.pollHttp = pollHttp;
        this.webhook = webhook;
    }

    /**
     * How updates are taken and how hard a payment is stored; tests shorten the waits.
     *
     * @param pollTimeout how long one getUpdates call waits for updates (long polling)
     * @param loop        the update loop's pacing (its poll timeout is {@code pollTimeout})
     * @param storeRetry  submit rounds per handling of a payment update before it is given back to Telegram
     */
    public record UpdateSettings(Duration pollTimeout, UpdateLoop.Settings loop, PaymentIntake.StoreRetry storeRetry) {
        public UpdateSettings {
            Objects.requireNonNull(pollTimeout, "pollTimeout");
            Objects.requireNonNull(loop, "loop");
            Objects.requireNonNull(storeRetry, "storeRetry");
        }

        public static UpdateSettings defaults(Duration pollTimeout) {
            return new UpdateSettings(pollTimeout, UpdateLoop.Settings.defaults(pollTimeout, ALLOWED_UPDATES),
                    PaymentIntake.StoreRetry.DEFAULT);
        }

        /** Submit rounds per handling of a payment update, and the first pause between them. */
        public UpdateSettings withStoreRetry(int attempts, Duration firstDelay) {
            return new UpdateSettings(pollTimeout, loop, new PaymentIntake.StoreRetry(attempts, firstDelay, firstDelay.multipliedBy(8)));
        }

        public UpdateSettings withLoop(UpdateLoop.Settings loop) {
            return new UpdateSettings(pollTimeout, loop, storeRetry);
        }
    }

    /**
     * Starts the engine, then takes updates: by long polling, or with {@code bot.updates=webhook} by serving the
     * webhook and then calling setWebhook.
     *
     * @param pollTimeout how long one getUpdates call waits for updates (long polling)
     */
    public static ShopApp start(BotConfig config, Secret token, Duration pollTimeout, Module... overrides) {
        return start(config, token, UpdateSettings.defaults(pollTimeout), overrides);
    }

    public static ShopApp start(BotConfig config, Secret token, UpdateSettings updates, Module... overrides) {
        Objects.requireNonNull(updates, "updates");
        BotRuntime runtime = BotRuntime.start(config, token, overrides);
        ShopBot bot = new ShopBot(config.catalog(), config.admins(), runtime.engine(), runtime.deliveringClient(),
                Clock.systemUTC(), UPDATE_THREADS, updates.storeRetry());
        if (config.webhookMode()) {
            return new ShopApp(runtime, bot, null, null, serveWebhook(config, runtime, bot));
        }
        if (!config.pollUpdates()) {
            log.info("bot.poll-updates=false: this instance only delivers; another replica takes the updates");
            return new ShopApp(runtime, bot, null, null, null);
        }
        // The bot's one HTTP client (its connection pool) with a long poll's timeouts, and a dispatcher of its own: the
        // poll is a synchronous call, so that dispatcher starts no thread, and close() can cancel the poll in progress
        // without cancelling the engine's sends on the shared one.
        OkHttpClient http = TelegramClientModule.pollingClient(runtime.httpClient(), updates.pollTimeout());
        UpdateLoop loop = new UpdateLoop(new OkHttpTelegramClient(http, token.value(), runtime.telegramUrl()),
                bot::accept, updates.loop(), () -> http.dispatcher().cancelAll()).start();
        log.info("shop bot polling {} with {} product(s), {} admin(s)", config.apiUrl(), config.catalog().products().size(),
                config.admins().size());
        return new ShopApp(runtime, bot, loop, http, null);
    }

    /**
     * Listens first, then calls setWebhook: once Telegram has the URL it may post at once. Every replica makes the same
     * call with the same URL, secret and update kinds, so it is idempotent and no replica is special; the last caller
     * wins, which changes nothing while they agree (keep them on one configuration). Polling is never started: Telegram
     * answers getUpdates with 409 while a webhook is set.
     *
     * @throws StartupChecks.DependencyDownException when the port cannot be bound or Telegram refuses setWebhook (the
     *                                               runtime is closed first)
     */
    private static WebhookServer serveWebhook(BotConfig config, BotRuntime runtime, ShopBot bot) {
        BotConfig.WebhookSettings hook = config.webhook();
        WebhookServer server;
        try {
            server = WebhookServer.start(WebhookServer.Settings.of(hook.host(), hook.port(), hook.path(), hook.secret()), bot::accept);
        } catch (IOException e) {
            bot.close();
            runtime.close();
            throw new StartupChecks.DependencyDownException(List.of("webhook: cannot listen on " + hook.host() + ":" + hook.port()
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"));
        }
        try {
            runtime.telegramClient().execute(SetWebhook.builder()
                    .url(hook.publicUrl().toString())
                    .secretToken(hook.secret().value())
                    .allowedUpdates(ALLOWED_UPDATES)
                    .build());
        } catch (TelegramApiException | RuntimeException e) {
            server.close(Duration.ZERO);
            bot.close();
            runtime.close();
            throw new StartupChecks.DependencyDownException(List.of("telegram: setWebhook with " + hook.publicUrl()
                    + " failed (" + Redaction.redact(String.valueOf(e.getMessage())) + ")"));
        }
        log.info("shop bot serving the webhook {} (Telegram posts to {}) with {} product(s), {} admin(s)",
                hook.path(), hook.publicUrl(), config.catalog().products().size(), config.admins().size());
        return server;
    }

    /** The webhook server's port, or -1 when this instance polls. */
    public int webhookPort() {
        return webhook == null ? -1 : webhook.port();
    }

    public BotRuntime runtime() {
        return runtime;
    }

    /** The shop's update handler, for tests that hand it an update directly (e.g. the same update twice). */
    ShopBot bot() {
        return bot;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("stopping: {}, then the updates in hand, then the engine", webhook != null ? "the webhook" : "polling");
        if (polling != null) {
            polling.stopPolling();
        }
        if (webhook != null) {
            // requests in hand are answered once their updates are handled; the webhook itself stays set, so Telegram
            // posts to the other replicas (or keeps the updates until one is back)
            webhook.close();
        }
        bot.close();
        if (polling != null) {
            // only now: a payment finished during bot.close() is stored, so confirming it cannot lose it
            polling.confirmFinished();
            // the poll's own dispatcher only: the shared connection pool and threads are BotRuntime's to release, last
            pollHttp.dispatcher().executorService().shutdown();
        }
        runtime.close();
    }
}
