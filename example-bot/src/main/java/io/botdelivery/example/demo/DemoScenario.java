package io.botdelivery.example.demo;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.example.broadcast.Broadcast;
import io.botdelivery.example.broadcast.BroadcastResult;
import io.botdelivery.example.broadcast.BroadcastRunner;
import io.botdelivery.example.broadcast.ChatList;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Catalog;
import io.botdelivery.example.config.LimiterChoice;
import io.botdelivery.example.config.Product;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.config.StoreChoice;
import io.botdelivery.example.console.ProgressBar;
import io.botdelivery.example.console.Table;
import io.botdelivery.example.shop.PackOrder;
import io.botdelivery.example.shop.ShopApp;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.FaultRates;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The no-setup demo: the real shop bot and broadcast code against the {@link TelegramSimulator} started in-process
 * (Telegram's limits, a small share of injected faults), with the local limiter and the memory store. Simulated buyers
 * go through /start, /buy, pre-checkout and payment; then a paid-lane broadcast goes to a few thousand simulated users.
 * Ends with a summary table.
 */
public final class DemoScenario {
    static final long ADMIN_ID = 500;
    static final long FIRST_BUYER = 1_000_001;
    static final long FIRST_LISTENER = 2_000_001;
    static final String PRODUCT_ID = "starter-pack";
    private static final Duration SHOP_DEADLINE = Duration.ofSeconds(100);
    /**
     * The bot keeps about 10 % below Telegram's budgets: the limiter spaces sends exactly, but a send leaves a little
     * after its slot when the machine is busy, and Telegram measures arrivals. Headroom turns that jitter into zero 429s.
     */
    static final RateBudgets HEADROOM = new RateBudgets(Budget.perSecond(27), Budget.of(9, Duration.ofSeconds(10)),
            Budget.of(18, Duration.ofMinutes(1)), Budget.perSecond(900));

    /**
     * @param buyers        simulated buyers
     * @param audience      broadcast recipients
     * @param blockedShare  share of buyers and recipients who blocked the bot
     * @param faultShare    share of send calls hit by a random fault (5xx, dropped connection before or after accept)
     * @param arrivalsPerSecond how fast buyers show up
     * @param seed          makes a run repeatable
     */
    public record Settings(int buyers, int audience, double blockedShare, double faultShare, int arrivalsPerSecond, long seed) {
        public Settings {
            if (buyers < 1 || audience < 1) {
                throw new IllegalArgumentException("the demo needs at least one buyer and one recipient");
            }
            if (blockedShare < 0 || blockedShare > 0.5 || faultShare < 0 || faultShare > 0.3) {
                throw new IllegalArgumentException("blockedShare 0 to 0.5, faultShare 0 to 0.3");
            }
            if (arrivalsPerSecond < 1) {
                throw new IllegalArgumentException("arrivalsPerSecond must be positive");
            }
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final boolean terminal;

    public DemoScenario(Settings settings, PrintStream out, boolean terminal) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /** Runs the demo; returns 0 when every delivery ended as expected, 1 otherwise. */
    public int run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Random random = new Random(settings.seed());
        double each = settings.faultShare() / 3;
        SimulatorConfig simulatorConfig = SimulatorConfig.builder()
                .faultRates(new FaultRates(each, 0, each, each, 0, 0, Duration.ofMillis(200), FaultRates.DEFAULT_PARTIAL_ALBUM_ERROR, settings.seed()))
                .build();
        try (TelegramSimulator telegram = TelegramSimulator.start(simulatorConfig)) {
            List<Long> buyers = ids(FIRST_BUYER, settings.buyers());
            List<Long> audience = ids(FIRST_LISTENER, settings.audience());
            Set<Long> blocked = blockSome(telegram, buyers, audience, random);
            Product product = demoProduct();
            BotConfig config = demoConfig(telegram.baseUrl(), product);
            out.printf(Locale.ROOT, "Telegram simulator on %s with Telegram's limits (30 msg/s, 1 msg/s per chat, paid lane 1000 msg/s);"
                    + " the bot keeps ~10%% below them (%d msg/s, paid lane %d msg/s)%n",
                    telegram.baseUrl(), config.budgets().global().permits(), config.budgets().paidBroadcast().permits());
            out.printf(Locale.ROOT, "%d buyers (%d blocked the bot), %d broadcast recipients (%d blocked), %.1f%% of sends hit by a fault%n%n",
                    buyers.size(), buyers.stream().filter(blocked::contains).count(), audience.size(),
                    audience.stream().filter(blocked::contains).count(), settings.faultShare() * 100);

            ShopApp app = ShopApp.start(config, new Secret(telegram.token()), Duration.ofSeconds(1));
            ShopPhase shop;
            BroadcastResult broadcast;
            List<Delivery> broadcastDeliveries;
            try {
                DeliveryService engine = app.runtime().engine();
                shop = runShop(telegram, engine, product, buyers);
                Path file = audienceFile(audience);
                ChatList list = ChatList.read(file);
                list.badLines().forEach(bad -> out.println("audience file " + bad + "; skipped"));
                // one 429 in the middle of the broadcast, as Telegram answers when something else used the budget
                telegram.faults().nextFor(audience.get(audience.size() / 2),
                        Fault.error(429, "Too Many Requests: retry after 2").withParameter("retry_after", 2));
                Broadcast news = new Broadcast("demo-news", Payload.text("Spring sale: every pack half price this week!"), true);
                broadcast = new BroadcastRunner(engine, out, terminal).run(news, list, Duration.ofSeconds(90),
                        config.budgets().paidBroadcast().permits());
                broadcastDeliveries = finals(engine, audience.stream().map(news::keyFor).toList());
                Summary summary = new Summary(telegram, app.runtime().meterRegistry(), config.budgets(), shop, broadcast,
                        broadcastDeliveries, Duration.ofNanos(System.nanoTime() - started));
                out.println();
                summary.table().print(out);
                return summary.succeeded(blocked) ? 0 : 1;
            } finally {
                app.close();
            }
        }
    }

    /** What the shop phase left behind. */
    record ShopPhase(List<Long> buyers, List<Delivery> deliveries, boolean finished, Duration elapsed) {
    }

    private ShopPhase runShop(TelegramSimulator telegram, DeliveryService engine, Product product, List<Long> buyers)
            throws InterruptedException {
        long start = System.nanoTime();
        List<IdempotencyKey> keys = new ArrayList<>();
        for (long buyer : buyers) {
            new PackOrder(buyer, chargeId(buyer), product).deliveries().forEach(r -> keys.add(r.idempotencyKey()));
        }
        ExecutorService shoppers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "demo-buyer");
            t.setDaemon(true);
            return t;
        });
        long gapNanos = 1_000_000_000L / settings.arrivalsPerSecond();
        for (int i = 0; i < buyers.size(); i++) {
            long buyer = buyers.get(i);
            long arrival = start + i * gapNanos;
            shoppers.execute(() -> shop(telegram, product, buyer, arrival));
        }
        shoppers.shutdown();
        StatusCounts counts = new StatusCounts(engine, keys);
        boolean finished;
        ProgressBar bar = new ProgressBar("shop      ", keys.size(), counts::delivered, counts::failed, out, terminal);
        try {
            long deadline = System.nanoTime() + SHOP_DEADLINE.toNanos();
            do {
                Thread.sleep(200);
                counts.refresh();
            } while (!counts.allFinal() && System.nanoTime() < deadline);
            finished = counts.allFinal();
        } finally {
            bar.close();
        }
        shoppers.awaitTermination(5, TimeUnit.SECONDS);
        return new ShopPhase(buyers, finals(engine, keys), finished, Duration.ofNanos(System.nanoTime() - start));
    }

    /** One simulated buyer: /start, /buy, confirms the pre-checkout, pays once the bot said yes. */
    private static void shop(TelegramSimulator telegram, Product product, long buyer, long arrivalNanos) {
        try {
            sleepUntil(arrivalNanos);
            telegram.updates().userSends(buyer, "/start");
            telegram.updates().userSends(buyer, "/buy " + product.id());
            String payload = "product:" + product.id();
            String query = telegram.updates().preCheckoutQuery(buyer, "XTR", product.priceStars(), payload);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (telegram.updates().answerTo(query).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (telegram.updates().answerTo(query).map(a -> a.ok()).orElse(false)) {
                telegram.updates().successfulPayment(buyer, "XTR", product.priceStars(), payload, chargeId(buyer));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String chargeId(long buyer) {
        return "demo-charge-" + buyer;
    }

    private Set<Long> blockSome(TelegramSimulator telegram, List<Long> buyers, List<Long> audience, Random random) {
        java.util.HashSet<Long> blocked = new java.util.HashSet<>();
        for (List<Long> group : List.of(buyers, audience)) {
            int count = (int) Math.round(group.size() * settings.blockedShare());
            List<Long> shuffled = new ArrayList<>(group);
            Collections.shuffle(shuffled, random);
            shuffled.subList(0, Math.min(count, shuffled.size())).forEach(id -> {
                telegram.chats().block(id);
                blocked.add(id);
            });
        }
        return blocked;
    }

    private static List<Long> ids(long first, int count) {
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(first + i);
        }
        return ids;
    }

    /** The audience as a broadcast file, with two bad lines to show how they are reported. */
    private static Path audienceFile(List<Long> audience) throws IOException {
        Path file = Files.createTempFile("demo-audience", ".txt");
        file.toFile().deleteOnExit();
        List<String> lines = new ArrayList<>(audience.size() + 3);
        lines.add("# demo audience: one chat id per line");
        audience.forEach(id -> lines.add(Long.toString(id)));
        lines.add(Math.min(lines.size(), 10), "not-a-chat-id");
        lines.add(Long.toString(audience.get(0)));
        Files.write(file, lines);
        return file;
    }

    private static List<Delivery> finals(DeliveryService engine, List<IdempotencyKey> keys) {
        List<Delivery> found = new ArrayList<>(keys.size());
        for (IdempotencyKey key : keys) {
            engine.findByIdempotencyKey(key).ifPresent(found::add);
        }
        return found;
    }

    static Product demoProduct() {
        return new Product(PRODUCT_ID, "Starter pack", "A wallpaper, a short clip and a printable guide", 50,
                List.of(MediaSource.bytes("wallpaper.jpg", fakeFile(1))),
                MediaSource.bytes("clip.mp4", fakeFile(3)), MediaSource.bytes("guide.pdf", fakeFile(4)));
    }

    private BotConfig demoConfig(URI apiUrl, Product product) {
        return new BotConfig(apiUrl, Set.of(ADMIN_ID), LimiterChoice.LOCAL, StoreChoice.MEMORY,
                BotConfig.RedisSettings.at(URI.create("redis://127.0.0.1:6379")),
                new BotConfig.PostgresSettings("jdbc:postgresql://127.0.0.1:5432/botdelivery", "botdelivery", null),
                HEADROOM,
                new BotConfig.EngineSettings(32, 20_000, 1_000, Duration.ofMillis(200)),
                BotConfig.HttpSettings.local(-1), Catalog.of(List.of(product)), true, null);
    }

    private static byte[] fakeFile(int n) {
        byte[] bytes = new byte[2048];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Final/non-final counts of a set of deliveries, refreshed by the waiting loop and read by the progress bar. */
    private static final class StatusCounts {
        private final DeliveryService engine;
        private final List<IdempotencyKey> keys;
        private volatile long delivered;
        private volatile long failed;

        StatusCounts(DeliveryService engine, List<IdempotencyKey> keys) {
            this.engine = engine;
            this.keys = keys;
        }

        void refresh() {
            long ok = 0;
            long bad = 0;
            for (IdempotencyKey key : keys) {
                DeliveryStatus s = engine.findByIdempotencyKey(key).map(Delivery::status).orElse(null);
                if (s == DeliveryStatus.DELIVERED) {
                    ok++;
                } else if (s != null && s.isFinal()) {
                    bad++;
                }
            }
            delivered = ok;
            failed = bad;
        }

        long delivered() {
            return delivered;
        }

        long failed() {
            return failed;
        }

        boolean allFinal() {
            return delivered + failed == keys.size();
        }
    }
}
