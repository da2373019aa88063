package io.botdelivery.sender.telegram;

import io.botdelivery.api.Redaction;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a few idle connections to the Bot API open ahead of the calls that will need them.
 *
 * <p>Why: a send that has to open a connection arrives a handshake (TCP's round trip, TLS's one or two more) after its
 * slot, later than the limiter's arrival margin allows for, and may then share a Telegram window with the next
 * window's sends: a 429. Keeping idle connections for minutes ({@link TelegramSenderConfig#IDLE_CONNECTION_KEEP_ALIVE})
 * covers a busy moment that comes back; it does not cover more calls on the wire at once than ever before (a new peak,
 * a process's first seconds). So when a call has taken the last idle connection, this opens more with {@code getMe}
 * calls (no message, no rate limit): the handshakes are paid off the sends' path, and the next sends take connections
 * already open.
 *
 * <p>Only when none is idle: OkHttp gives a call an idle connection whenever there is one, so a warm-up started while
 * some were idle would take one of them for a round trip instead of opening a new one, and a send in that round trip
 * would then have to open its own. How many: {@value #MIN_SPARE}, or a quarter of the calls running if more, and never
 * so many that a send would queue behind them in the dispatcher. Thread-safe.
 */
final class SpareConnections {
    private static final Logger log = LoggerFactory.getLogger(SpareConnections.class);
    static final int MIN_SPARE = 4;

    private final OkHttpClient http;
    private final Request getMe;
    private final String token;
    private final AtomicInteger warming = new AtomicInteger();

    SpareConnections(OkHttpClient http, HttpUrl apiRoot, String token) {
        this.http = http;
        this.token = token;
        this.getMe = new Request.Builder().url(apiRoot.newBuilder().addPathSegment("bot" + token).addPathSegment("getMe").build())
                .get().tag(SpareConnections.class, this).build();
    }

    /** Told when {@code call} has got its connection: opens spares, asynchronously, if it took the last idle one. */
    void connectionTaken(Call call) {
        if (call.request().tag(SpareConnections.class) != null || http.connectionPool().idleConnectionCount() > 0) {
            return;
        }
        Dispatcher dispatcher = http.dispatcher();
        int running = dispatcher.runningCallsCount();
        int room = dispatcher.getMaxRequestsPerHost() - running - dispatcher.queuedCallsCount();
        int wanted = Math.min(Math.max(MIN_SPARE, running / 4), room);
        while (true) {
            int now = warming.get();
            if (now >= wanted) {
                return;
            }
            if (warming.compareAndSet(now, now + 1)) {
                open();
            }
        }
    }

    /** Connections being opened now (for tests). */
    int warming() {
        return warming.get();
    }

    private void open() {
        try {
            http.newCall(getMe).enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                    response.close();
                    warming.decrementAndGet();
                }

                @Override
                public void onFailure(Call call, IOException e) {
                    warming.decrementAndGet();
                    log.debug("a spare connection to the Bot API did not open: {}", Redaction.redact(e.toString(), token));
                }
            });
        } catch (RuntimeException e) {
            // the dispatcher is shut down (closing)
            warming.decrementAndGet();
        }
    }
}
