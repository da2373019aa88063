package io.botdelivery.sender.telegram;

import io.botdelivery.api.Redaction;
import okhttp3.Call;
import okhttp3.Callback;
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
 * a process's first seconds, another instance joining the lane's sends). So before each call, when fewer connections
 * are idle than a spare share of the calls running, this opens more with {@code getMe} calls (no message, no rate
 * limit): the handshake is paid off the send's path, and the send takes a connection that is already open.
 *
 * <p>Spare: {@value #MIN_SPARE} idle connections, or a quarter of the calls running if more, and never so many that
 * warm-ups would queue a send in the dispatcher. Thread-safe.
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
                .get().build();
    }

    /** Called before a call: opens connections, asynchronously, until the idle ones and those opening make the spare. */
    void topUp() {
        int running = http.dispatcher().runningCallsCount();
        int room = http.dispatcher().getMaxRequestsPerHost() - running - http.dispatcher().queuedCallsCount() - 1;
        int wanted = Math.min(Math.max(MIN_SPARE, running / 4), room);
        // the call about to start takes one of the idle connections (or, with none, opens its own)
        int idleAfter = Math.max(0, http.connectionPool().idleConnectionCount() - 1);
        int missing = wanted - idleAfter - warming.get();
        for (int i = 0; i < missing; i++) {
            if (warming.incrementAndGet() > wanted) {
                warming.decrementAndGet();
                return;
            }
            open();
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
