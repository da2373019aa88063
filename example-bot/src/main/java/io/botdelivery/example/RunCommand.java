package io.botdelivery.example;

import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.LayeredSettings;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.shop.ShopApp;
import io.botdelivery.example.wiring.StartupChecks;
import picocli.CommandLine.Command;

import sun.misc.Signal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code run}: the shop bot on long polling or a webhook until SIGTERM or Ctrl-C, which stop it gracefully. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the shop bot on long polling (bot.updates=polling, one machine) or serving Telegram's webhook",
                "(bot.updates=webhook, every replica; each sets the webhook at start): /start shows the catalog, purchases are paid in Telegram Stars and",
                "the pack is delivered through the engine. Admin commands: /queue, /failed, /redeliver <id>, /cancel <id>.",
                "SIGTERM (or Ctrl-C) stops polling, finishes the updates in hand and hands queued deliveries back to the store."})
final class RunCommand extends BotCommand {
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(25);

    @Override
    public Integer call() throws InterruptedException {
        LayeredSettings settings = settings();
        BotConfig config = config(settings);
        Secret token = botToken(settings);
        if (config.catalog().isEmpty()) {
            main.err().println("warning: no products configured (products.<id>.title, price-stars, photos, video, document); the shop is empty");
        }
        if (config.admins().isEmpty()) {
            main.err().println("warning: no admins configured (bot.admins); failure alerts go nowhere and admin commands are refused to all");
        }
        StartupChecks.awaitDependencies(config, token, BotConfig.startupWait(settings), main.err()::println);
        ShopApp app = ShopApp.start(config, token, POLL_TIMEOUT);
        // SIGTERM and Ctrl-C end the wait below and the bot closes on this thread, so the process exits 0 after a clean
        // stop: closed from a shutdown hook it would exit 143 (128 + SIGTERM), which orchestrators count as a crash.
        CountDownLatch stopRequested = new CountDownLatch(1);
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), s -> stopRequested.countDown());
        }
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                app.close();
            }
        };
        // any other way out of the JVM (System.exit elsewhere, a fatal error) still closes the bot
        Runtime.getRuntime().addShutdownHook(new Thread(close, "graceful-shutdown"));
        main.out().println("Shop bot running (limiter=" + config.limiter().name().toLowerCase(java.util.Locale.ROOT)
                + ", store=" + config.store().name().toLowerCase(java.util.Locale.ROOT)
                + (app.webhookPort() >= 0 ? ", webhook on " + config.webhook().host() + ":" + app.webhookPort() + config.webhook().path() : "")
                + (app.runtime().httpPort() >= 0 ? ", ops endpoint on " + config.http().host() + ":" + app.runtime().httpPort() : "")
                + "). Stop with Ctrl-C or SIGTERM.");
        stopRequested.await();
        close.run();
        return 0;
    }
}
