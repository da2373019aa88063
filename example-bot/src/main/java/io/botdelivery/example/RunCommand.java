package io.botdelivery.example;

import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.LayeredSettings;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.shop.ShopApp;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** {@code run}: the shop bot on long polling until SIGTERM or Ctrl-C, which stop it gracefully. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the shop bot on long polling: /start shows the catalog, purchases are paid in Telegram Stars and",
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
        ShopApp app = ShopApp.start(config, token, POLL_TIMEOUT);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "graceful-shutdown"));
        main.out().println("Shop bot running (limiter=" + config.limiter().name().toLowerCase(java.util.Locale.ROOT)
                + ", store=" + config.store().name().toLowerCase(java.util.Locale.ROOT)
                + (app.runtime().httpPort() >= 0 ? ", metrics and health on port " + app.runtime().httpPort() : "")
                + "). Stop with Ctrl-C or SIGTERM.");
        stopped.await();
        return 0;
    }
}
