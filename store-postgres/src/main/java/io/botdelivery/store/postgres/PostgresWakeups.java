package io.botdelivery.store.postgres;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wake-ups through PostgreSQL {@code LISTEN/NOTIFY}: a submit on one instance reaches idle workers on every instance
 * without waiting for their next poll.
 *
 * <p>Two daemon threads. The <b>announcer</b> sends {@code NOTIFY} after new work was committed; announcements made
 * while one is being sent are merged into the next, so a burst of saves costs a few notifications, not one per save,
 * and a save never waits for it (a NOTIFY inside the save's own transaction would serialize every saving commit on
 * PostgreSQL's notification queue lock). The <b>listener</b> holds one connection of its own (outside the pool) that
 * runs {@code LISTEN} and calls the subscribers when a notification arrives; when that connection breaks it
 * reconnects with backoff and calls the subscribers once, since work may have arrived while it was deaf.
 *
 * <p>A wake-up is a hint, never the only way work is found: a lost notification costs one poll interval.
 */
final class PostgresWakeups implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresWakeups.class);
    private static final int LISTEN_WAIT_MILLIS = 250;
    private static final Duration MAX_RECONNECT_BACKOFF = Duration.ofSeconds(5);

    /** Opens the listener's own connection. */
    interface ConnectionOpener {
        Connection open() throws SQLException;
    }

    private final String channel;
    private final ConnectionOpener listenConnections;
    private final DataSource pool;
    private final List<Runnable> subscribers;
    private final Semaphore announcements = new Semaphore(0);
    private volatile boolean closed;
    private volatile Connection listening;
    private Thread listener;
    private Thread announcer;

    /**
     * @param channel           the notification channel: a plain lowercase identifier (checked by the config)
     * @param listenConnections opens the listener's dedicated connection
     * @param pool              where the announcer borrows a connection to send NOTIFY
     * @param subscribers       called on every wake-up; the list is shared with the store, so later subscribers count
     */
    PostgresWakeups(String channel, ConnectionOpener listenConnections, DataSource pool, List<Runnable> subscribers) {
        this.channel = channel;
        this.listenConnections = listenConnections;
        this.pool = pool;
        this.subscribers = subscribers;
    }

    void start() {
        listener = daemon("bot-delivery-pg-listen", this::listenLoop);
        announcer = daemon("bot-delivery-pg-notify", this::announceLoop);
    }

    /** Asks for a NOTIFY soon; returns at once. */
    void announce() {
        announcements.release();
    }

    private void announceLoop() {
        while (!closed) {
            try {
                announcements.acquire();
                announcements.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
                ps.setString(1, channel);
                ps.execute();
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    // a lost wake-up costs one poll interval; the store itself reports the outage
                    log.debug("could not send the new-work NOTIFY on {}: {}", channel, e.toString());
                }
            }
        }
    }

    private void listenLoop() {
        long backoffMillis = 100;
        while (!closed) {
            try (Connection connection = listenConnections.open()) {
                listening = connection;
                if (closed) {
                    return;
                }
                try (Statement s = connection.createStatement()) {
                    // LISTEN takes an identifier, not a parameter; the channel is a checked plain identifier
                    s.execute("LISTEN \"" + channel + "\"");
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                if (backoffMillis > 100) {
                    log.info("listening for new work on {} again", channel);
                }
                backoffMillis = 100;
                wakeSubscribers();
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(LISTEN_WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) {
                        wakeSubscribers();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("lost the LISTEN connection for {} ({}); reconnecting in {} ms, polling covers the gap",
                        channel, e.toString(), backoffMillis);
                try {
                    TimeUnit.MILLISECONDS.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, MAX_RECONNECT_BACKOFF.toMillis());
            }
        }
    }

    private void wakeSubscribers() {
        for (Runnable subscriber : subscribers) {
            try {
                subscriber.run();
            } catch (RuntimeException e) {
                log.warn("a new-work subscriber threw; it stays subscribed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection connection = listening;
        if (connection != null) {
            try {
                // unblocks the listener's wait at once; JDBC's way to end a connection from another thread
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                log.debug("aborting the LISTEN connection: {}", e.toString());
            }
        }
        for (Thread t : new Thread[] {announcer, listener}) {
            if (t != null) {
                t.interrupt();
            }
        }
        for (Thread t : new Thread[] {announcer, listener}) {
            if (t != null) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
