package io.botdelivery.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import org.xnio.IoUtils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP side of the simulator: {@code /bot<token>/<method>}, token check, body reading, fault injection around
 * the call, and the answer (or a dropped connection).
 */
final class HttpFront implements HttpHandler {
    static final String NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";

    /** Marks a connection already counted in {@link SimulatorRecord#connections()}. */
    private static final AttachmentKey<Boolean> COUNTED = AttachmentKey.create(Boolean.class);

    private final String token;
    private final long maxRequestBytes;
    private final BotApi api;
    private final FaultInjector faults;
    private final SimulatorRecord record;
    private final Clock clock;
    private final NetworkDelay network;

    HttpFront(SimulatorConfig config, BotApi api, FaultInjector faults, SimulatorRecord record) {
        this.token = config.token();
        this.maxRequestBytes = config.maxRequestBytes();
        this.api = api;
        this.faults = faults;
        this.record = record;
        this.clock = config.clock();
        this.network = new NetworkDelay(config.roundTrip(), config.roundTripJitter());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        exchange.startBlocking();
        if (exchange.getConnection().getAttachment(COUNTED) == null) {
            exchange.getConnection().putAttachment(COUNTED, Boolean.TRUE);
            record.connectionOpened();
        }
        // the way in: the call arrives (and its send is counted) only after it
        network.inbound(exchange.getConnection());
        String path = exchange.getRequestPath();
        int slash = path.indexOf('/', 4);
        if (!path.startsWith("/bot") || slash < 0) {
            answer(exchange, 404, Shapes.error(404, "Not Found", Map.of()));
            return;
        }
        String method = path.substring(slash + 1).toLowerCase(Locale.ROOT);
        byte[] body = readBody(exchange);
        if (!path.substring(4, slash).equals(token)) {
            answer(exchange, 401, Shapes.error(401, "Unauthorized", Map.of()));
            return;
        }
        if (body == null) {
            answer(exchange, 413, Shapes.error(413, "Request Entity Too Large", Map.of()));
            return;
        }
        if (!BotApi.knows(method)) {
            answer(exchange, 404, Shapes.error(404, "Not Found", Map.of()));
            return;
        }
        CallParams params;
        try {
            params = BodyParser.parse(query(exchange), exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE), body);
        } catch (BotApiError e) {
            refuse(exchange, method, 0, e, false);
            return;
        }
        long chatId = params.chatIdOrZero();
        FaultInjector.Decision decision = SendMethods.isSend(method)
                ? faults.decide(chatId, method.equals("sendmediagroup"), SendMethods.albumSize(method, params))
                : FaultInjector.Decision.NONE;
        Fault fault = decision.fault();
        if (!(fault instanceof Fault.Pass)) {
            record.injected(new InjectedFault(method, chatId, fault, decision.scripted(), clock.instant()));
        }
        if (answeredByFault(exchange, method, chatId, fault)) {
            return;
        }
        boolean dropAfter = fault instanceof Fault.DropAfterAccept;
        ObjectNode answer;
        int status = 200;
        try {
            answer = api.call(method, params, fault, dropAfter);
        } catch (BotApiError e) {
            answer = Shapes.error(e.status(), e.description(), e.parameters());
            status = e.status();
            record.rejected(new RejectedCall(method, chatId, e.status(), e.description(), e.retryAfter(),
                    e.limitedScope(), fault instanceof Fault.PartialAlbum || fault instanceof Fault.PartialAlbumRateLimited,
                    clock.instant()));
        }
        if (dropAfter) {
            drop(exchange);
            return;
        }
        if (fault instanceof Fault.Latency latency) {
            Thread.sleep(latency.delay().toMillis());
        }
        answer(exchange, status, answer);
    }

    /** Answers for faults that replace the call entirely; returns whether it did. */
    private boolean answeredByFault(HttpServerExchange exchange, String method, long chatId, Fault fault)
            throws IOException {
        if (fault instanceof Fault.ServerError error) {
            rejectedByFault(method, chatId, error.status(), error.json() ? "Internal Server Error" : "Bad Gateway");
            if (error.json()) {
                answer(exchange, error.status(), Shapes.error(error.status(), "Internal Server Error", Map.of()));
            } else {
                write(exchange, error.status(), "text/html", NGINX_502.getBytes(StandardCharsets.UTF_8));
            }
            return true;
        }
        if (fault instanceof Fault.ErrorAnswer error) {
            rejectedByFault(method, chatId, error.status(), error.description());
            answer(exchange, error.status(), Shapes.error(error.status(), error.description(), error.parameters()));
            return true;
        }
        if (fault instanceof Fault.RawAnswer raw) {
            rejectedByFault(method, chatId, raw.status(), raw.body());
            write(exchange, raw.status(), raw.contentType(), raw.body().getBytes(StandardCharsets.UTF_8));
            return true;
        }
        if (fault instanceof Fault.DropBeforeAccept) {
            rejectedByFault(method, chatId, 0, "connection dropped before the send was accepted");
            drop(exchange);
            return true;
        }
        return false;
    }

    private void rejectedByFault(String method, long chatId, int status, String description) {
        record.rejected(new RejectedCall(method, chatId, status, description, 0, null, true, clock.instant()));
    }

    private void refuse(HttpServerExchange exchange, String method, long chatId, BotApiError e, boolean injected)
            throws IOException {
        record.rejected(new RejectedCall(method, chatId, e.status(), e.description(), e.retryAfter(), e.limitedScope(),
                injected, clock.instant()));
        answer(exchange, e.status(), Shapes.error(e.status(), e.description(), e.parameters()));
    }

    /** The whole body, or {@code null} (after draining it) when it is larger than allowed. */
    private byte[] readBody(HttpServerExchange exchange) throws IOException {
        InputStream in = exchange.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            if (total <= maxRequestBytes) {
                out.write(buffer, 0, n);
            }
        }
        return total > maxRequestBytes ? null : out.toByteArray();
    }

    private static Map<String, String> query(HttpServerExchange exchange) {
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                values.put(e.getKey(), e.getValue().getFirst());
            }
        }
        return values;
    }

    private void answer(HttpServerExchange exchange, int status, ObjectNode json) throws IOException {
        byte[] bytes;
        try {
            bytes = Shapes.JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer", e);
        }
        write(exchange, status, "application/json", bytes);
    }

    private void write(HttpServerExchange exchange, int status, String contentType, byte[] body) throws IOException {
        // the way out: the answer reaches the bot only after it
        network.outbound();
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getOutputStream().write(body);
        exchange.endExchange();
    }

    /** Closes the connection without an answer: the caller sees the connection reset or end of stream. */
    private static void drop(HttpServerExchange exchange) {
        IoUtils.safeClose(exchange.getConnection());
    }
}
