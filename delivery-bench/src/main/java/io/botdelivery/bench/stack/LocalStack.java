package io.botdelivery.bench.stack;

import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.postgres.PostgresRetryStoreConfig;
import io.botdelivery.testkit.postgres.PostgresServer;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.testkit.redis.RedisServerExtension;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A local stand-in for the production pieces of example-bot's "Run several replicas", so the section's commands can be
 * run on one machine without Docker or a real bot token: an embedded PostgreSQL and an embedded Redis (the servers the
 * tests start, from {@code delivery-testkit-postgres} and {@code delivery-testkit-redis}), the Telegram Bot API
 * simulator with a test token it invents, and, in webhook mode, a round-robin forwarder standing in for the load
 * balancer ({@link RoundRobinForwarder}).
 *
 * <p>It prints what to export (and the flag to add) before starting the replicas, waits for them (webhook mode: for
 * {@code setWebhook}), drives a scripted shopping session ({@link ShoppingSession}) and prints a table: updates
 * posted, answered by each replica, packs delivered, duplicates, 429s, and the shared queue's rows by status. It then
 * stays up, so the replicas can be looked at (their {@code /health/ready}, {@code /metrics}), until Ctrl-C.
 *
 * <pre>
 * java -cp delivery-bench/target/benchmarks.jar io.botdelivery.bench.stack.LocalStack [--updates webhook|polling]
 *      [--balancer next-on-refused|plain] [--buyers 30] [--arrivals-per-second 1] [--balancer-port 8443] [--upstreams 127.0.0.1:8444,127.0.0.1:8445]
 *      [--product wallpapers] [--price-stars 50] [--wait-seconds 180]
 * </pre>
 * {@code --balancer plain} makes the forwarder answer 502 for a replica that refuses connections instead of passing
 * the request to the next one (nginx's default): a balancer with no failover at all. The defaults match {@code deploy/shop.yml} and {@code deploy/webhook-1.env} / {@code webhook-2.env}. The only
 * secret it prints is the simulator's token, which it invented and which no real bot has; the webhook secret is the
 * replicas' (from their environment): the simulator and the forwarder pass it on and never print it.
 */
public final class LocalStack {
    private static final String WEBHOOK_PATH = "/telegram/webhook";

    private LocalStack() {
    }

    /** The command-line options, each with its default. */
    record Options(boolean webhook, boolean passRefusedToNext, int buyers, double arrivalsPerSecond, int balancerPort, List<InetSocketAddress> upstreams,
                   String product, int priceStars, Duration sessionWait) {

        static Options parse(String[] args) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
                }
                given.put(args[i].substring(2), args[++i]);
            }
            Map<String, String> o = new LinkedHashMap<>(Map.of("updates", "webhook", "balancer", "next-on-refused", "buyers", "30", "arrivals-per-second", "1",
                    "balancer-port", "8443", "upstreams", "127.0.0.1:8444,127.0.0.1:8445", "product", "wallpapers",
                    "price-stars", "50", "wait-seconds", "180"));
            for (String key : given.keySet()) {
                if (!o.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + "; known: " + o.keySet());
                }
            }
            o.putAll(given);
            String updates = o.get("updates");
            if (!updates.equals("webhook") && !updates.equals("polling")) {
                throw new IllegalArgumentException("--updates: webhook or polling, got '" + updates + "'");
            }
            String balancer = o.get("balancer");
            if (!balancer.equals("next-on-refused") && !balancer.equals("plain")) {
                throw new IllegalArgumentException("--balancer: next-on-refused or plain, got '" + balancer + "'");
            }
            List<InetSocketAddress> upstreams = new ArrayList<>();
            for (String hostPort : o.get("upstreams").split(",")) {
                int colon = hostPort.lastIndexOf(':');
                if (colon < 1) {
                    throw new IllegalArgumentException("--upstreams: host:port[,host:port…], got '" + hostPort + "'");
                }
                upstreams.add(InetSocketAddress.createUnresolved(hostPort.substring(0, colon).strip(),
                        Integer.parseInt(hostPort.substring(colon + 1).strip())));
            }
            double rate = Double.parseDouble(o.get("arrivals-per-second"));
            int buyers = Integer.parseInt(o.get("buyers"));
            if (rate <= 0 || buyers < 1) {
                throw new IllegalArgumentException("--buyers must be at least 1 and --arrivals-per-second above 0");
            }
            return new Options(updates.equals("webhook"), balancer.equals("next-on-refused"), buyers, rate, Integer.parseInt(o.get("balancer-port")),
                    upstreams, o.get("product"), Integer.parseInt(o.get("price-stars")),
                    Duration.ofSeconds(Long.parseLong(o.get("wait-seconds"))));
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        List<AutoCloseable> opened = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping the local stack…");
            closeAll(opened);
            stopped.countDown();
        }, "local-stack-stop"));

        out.println("starting embedded Redis, embedded PostgreSQL and the Telegram simulator…");
        RedisServerExtension redis = RedisServerExtension.embedded();
        redis.start();
        opened.add(redis::close);
        // synchronous_commit=on: a pack the store confirmed survives what a production server would survive
        PostgresServer postgres = PostgresServer.embedded(Map.of("synchronous_commit", "on"));
        opened.add(postgres);
        TestDatabase database = postgres.createDatabase();
        TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().token(inventToken()).build());
        opened.add(telegram);
        RoundRobinForwarder balancer = null;
        if (options.webhook()) {
            balancer = RoundRobinForwarder.start(options.balancerPort(), options.upstreams(), options.passRefusedToNext());
            opened.add(balancer);
        }
        printEnvironment(out, options, redis, database, telegram, balancer);

        ShoppingSession.ProgressLine progress = ShoppingSession.ProgressLine.none();
        if (balancer != null) {
            out.println("waiting for a replica to call setWebhook…");
            while (telegram.updates().webhookUrl().isEmpty()) {
                Thread.sleep(200);
            }
            out.println("webhook set to " + telegram.updates().webhookUrl() + "; waiting up to 60 s for every upstream to listen…");
            awaitListening(balancer.upstreams(), Duration.ofSeconds(60), out);
            RoundRobinForwarder b = balancer;
            progress = ShoppingSession.ProgressLine.of("tries that found a replica down",
                    () -> b.counts().stream().mapToInt(RoundRobinForwarder.UpstreamCounts::unreachable).sum());
        } else {
            out.println("polling: the updates wait in the simulator until the polling replica takes them");
        }

        Duration gap = Duration.ofNanos((long) (1_000_000_000L / options.arrivalsPerSecond()));
        ShoppingSession session = new ShoppingSession(options.product(), options.priceStars(), options.buyers(), gap,
                Duration.ofSeconds(120), options.sessionWait());
        out.printf("shopping session: %d buyers, %.1f a second (/start, /buy %s, pre-checkout, successful_payment of %d Stars)%n",
                options.buyers(), options.arrivalsPerSecond(), options.product(), options.priceStars());
        ShoppingSession.Outcome outcome = session.run(telegram, () -> notFinal(queueByStatus(database)), out, progress);
        printTable(out, outcome, balancer, queueByStatus(database));
        out.println("The stack stays up (the replicas' /health/ready and /metrics can be looked at); Ctrl-C stops it.");
        stopped.await();
    }

    /** A token in Telegram's shape, new on every run; it opens nothing but this simulator. */
    private static String inventToken() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        SecureRandom random = new SecureRandom();
        StringBuilder token = new StringBuilder("7000000001:AA");
        for (int i = 0; i < 33; i++) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    private static void printEnvironment(PrintStream out, Options options, RedisServerExtension redis, TestDatabase database,
                                         TelegramSimulator telegram, RoundRobinForwarder balancer) {
        out.println();
        out.println("Export these in the shell that starts the replicas (they override deploy/shop.yml):");
        out.println("  export BOT_API_URL=" + telegram.baseUrl());
        out.println("  export BOT_TOKEN=" + telegram.token() + "   # the simulator's test token, invented for this run: not a real bot's");
        out.println("  export BOT_REDIS_URL=" + redis.address());
        out.println("  export BOT_POSTGRES_URL=" + database.jdbcUrl());
        out.println("  export BOT_POSTGRES_USER=" + database.user());
        out.println("  # BOT_POSTGRES_PASSWORD: any value (the embedded server trusts local connections)");
        if (balancer != null) {
            String url = "http://127.0.0.1:" + balancer.port() + WEBHOOK_PATH;
            out.println("and add --webhook-url " + url + " to each `run` (the env files set BOT_WEBHOOK_URL to the public");
            out.println("sample address; a flag overrides them). The forwarder (the load balancer) passes requests in turn to "
                    + balancer.upstreams().stream().map(RoundRobinForwarder::address).toList()
                    + (options.passRefusedToNext() ? ", a refused one to the next (as nginx does)." : ", 502 for a refused one (--balancer plain)."));
        }
        out.println();
    }

    private static void awaitListening(List<InetSocketAddress> upstreams, Duration atMost, PrintStream out) throws InterruptedException {
        long giveUp = System.nanoTime() + atMost.toNanos();
        List<InetSocketAddress> missing = new ArrayList<>(upstreams);
        while (!missing.isEmpty() && System.nanoTime() < giveUp) {
            missing.removeIf(LocalStack::listens);
            if (!missing.isEmpty()) {
                Thread.sleep(200);
            }
        }
        if (!missing.isEmpty()) {
            out.println("  not listening yet: " + missing.stream().map(RoundRobinForwarder::address).toList()
                    + " (its turns answer 502 until it does; Telegram's retries go to the next)");
        }
    }

    private static boolean listens(InetSocketAddress upstream) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(upstream.getHostString(), upstream.getPort()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Rows still PENDING or IN_FLIGHT (an unreadable queue counts as not settled). */
    private static int notFinal(Map<String, Long> byStatus) {
        if (byStatus.keySet().stream().anyMatch(k -> k.startsWith("("))) {
            return Integer.MAX_VALUE;
        }
        return (int) (byStatus.getOrDefault("PENDING", 0L) + byStatus.getOrDefault("IN_FLIGHT", 0L));
    }

    /** The shared queue's rows by status: what the replicas stored, whichever of them did. */
    private static Map<String, Long> queueByStatus(TestDatabase database) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT status, count(*) FROM " + PostgresRetryStoreConfig.DEFAULT_SCHEMA
                     + ".delivery GROUP BY status ORDER BY status")) {
            while (r.next()) {
                byStatus.put(r.getString(1), r.getLong(2));
            }
        } catch (SQLException e) {
            byStatus.put("(not readable: " + e.getMessage() + ")", 0L);
        }
        return byStatus;
    }

    private static void printTable(PrintStream out, ShoppingSession.Outcome o, RoundRobinForwarder balancer, Map<String, Long> queue) {
        out.println();
        row(out, "buyers / paid (pre-checkout answered yes)", o.buyers() + " / " + o.paid());
        row(out, "updates posted / still unconfirmed at Telegram", o.updatesPosted() + " / " + o.updatesStillPending());
        if (balancer != null) {
            row(out, "webhook POSTs / not 2xx (retried by Telegram)", o.webhookPosts() + " / " + o.webhookPostsNot2xx());
            for (int i = 0; i < balancer.counts().size(); i++) {
                RoundRobinForwarder.UpstreamCounts c = balancer.counts().get(i);
                row(out, "replica " + (i + 1) + " (" + c.address() + "): 2xx / other / down",
                        c.answered2xx() + " / " + c.answeredOther() + " / " + c.unreachable());
            }
            row(out, "updates confirmed (2xx) more than once", Integer.toString(o.updatesConfirmedTwice()));
        }
        row(out, "packs delivered (receipt arrived) / paid", o.packsDelivered() + " / " + o.paid());
        row(out, "pack parts sent twice", Integer.toString(o.packPartsSentTwice()));
        row(out, "replies sent twice (catalog, invoice)", Integer.toString(o.repliesSentTwice()));
        row(out, "429s received", Integer.toString(o.rateLimited()));
        row(out, "queue rows by status (PostgreSQL)", queue.isEmpty() ? "none" : queue.toString());
        row(out, "took", o.took().toSeconds() + " s" + (o.finished() ? "" : " (deadline reached before everything arrived)"));
        out.println();
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf("  %-56s %s%n", label, value);
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                System.err.println("closing: " + e.getMessage());
            }
        }
    }
}
