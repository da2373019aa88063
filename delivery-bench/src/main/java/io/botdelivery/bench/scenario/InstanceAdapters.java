package io.botdelivery.bench.scenario;

import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.botdelivery.sender.telegram.BotApiHttpClients;
import io.botdelivery.sender.telegram.TelegramNotifier;
import io.botdelivery.sender.telegram.TelegramNotifierConfig;
import io.botdelivery.sender.telegram.TelegramSender;
import io.botdelivery.sender.telegram.TelegramSenderConfig;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStoreConfig;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The adapters one instance runs with, built from its {@link InstanceSettings} the way a production bot would build
 * them from its configuration, and closed together.
 */
final class InstanceAdapters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceAdapters.class);

    private final RateLimiter limiter;
    private final RetryStore store;
    private final Sender sender;
    private final Notifier notifier;
    private final PostgresRetryStore postgres;
    private final List<AutoCloseable> toClose;

    private InstanceAdapters(RateLimiter limiter, RetryStore store, Sender sender, Notifier notifier,
                             PostgresRetryStore postgres, List<AutoCloseable> toClose) {
        this.limiter = limiter;
        this.store = store;
        this.sender = sender;
        this.notifier = notifier;
        this.postgres = postgres;
        this.toClose = toClose;
    }

    static InstanceAdapters open(InstanceSettings s) {
        List<AutoCloseable> toClose = new ArrayList<>();
        TelegramSenderConfig telegram = TelegramSenderConfig.defaults(s.token())
                .withApiUrl(URI.create("http://127.0.0.1:" + s.telegramPort()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10));
        // one client for the sends and the admin alerts, as the example bot wires them: an alert on a client of its
        // own opened a new connection and arrived a handshake late, the 31st arrival of a window (a 429, 2026-12-07)
        OkHttpClient http = BotApiHttpClients.create(telegram.maxConcurrentRequests());
        toClose.add(() -> BotApiHttpClients.shutdown(http));
        TelegramSender telegramSender = new TelegramSender(telegram, http);
        toClose.add(telegramSender);
        Sender sender = telegramSender;
        RateLimiter limiter;
        RetryStore store;
        PostgresRetryStore postgres = null;
        if (s.wiring() == Wiring.REDIS_POSTGRES) {
            RedisRateLimiter redis = RedisRateLimiter.create(RedisRateLimiterConfig.builder(botId(s.token()))
                    .address(s.redisAddress())
                    .instanceCount(s.instances())
                    .budgets(s.limiterBudgets())
                    .build());
            toClose.add(redis);
            limiter = redis;
            PostgresRetryStoreConfig.Builder config = PostgresRetryStoreConfig.builder(s.jdbcUrl())
                    .user(s.jdbcUser())
                    .poolSize(6)
                    .migrateOnStart(false)
                    .listenNotify(true);
            postgres = startStore(config.build());
            toClose.add(postgres);
            store = postgres;
        } else {
            limiter = new LocalRateLimiter(s.limiterBudgets(), Clock.systemUTC());
            store = new InMemoryRetryStore();
        }
        TelegramNotifier notifier = new TelegramNotifier(TelegramNotifierConfig.of(telegram, s.adminChat()), limiter,
                Clock.systemUTC(), http);
        toClose.add(notifier);
        return new InstanceAdapters(limiter, store, sender, notifier, postgres, toClose);
    }

    /**
     * Starts the store, waiting for PostgreSQL for up to a minute: an instance restarted during a database outage
     * waits for it as a supervised bot would, instead of dying.
     */
    private static PostgresRetryStore startStore(PostgresRetryStoreConfig config) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                return PostgresRetryStore.start(config);
            } catch (RetryStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.warn("PostgreSQL unreachable at start ({}); trying again in 1 s", e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The bot's numeric id: what precedes the colon of its token (never the token itself). */
    static String botId(String token) {
        int colon = token.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("a bot token starts with the bot's numeric id and a colon");
        }
        return token.substring(0, colon);
    }

    RateLimiter limiter() {
        return limiter;
    }

    RetryStore store() {
        return store;
    }

    Sender sender() {
        return sender;
    }

    Notifier notifier() {
        return notifier;
    }

    /** Calls {@code wakeUp} when PostgreSQL announces new work (LISTEN/NOTIFY); a memory store has nothing to announce. */
    void onNewWork(Runnable wakeUp) {
        if (postgres != null) {
            toClose.add(postgres.onNewWork(wakeUp));
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(toClose);
        Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("could not close {} ({})", c, e.toString());
            }
        }
    }
}
