package io.botdelivery.example.updates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.botdelivery.api.Redaction;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves Telegram's webhook on the JDK's built-in HTTP server (one path, one method: no web framework needed), so
 * every replica behind a load balancer takes updates, where long polling allows only one.
 *
 * <p>Each request is answered only once its update's fate is known, because the answer is the confirmation: Telegram
 * drops an update on 2xx and sends it again on anything else.
 *
 * <ul>
 *   <li>a missing or wrong {@code X-Telegram-Bot-Api-Secret-Token}: 401, and the body is not even read (compared in
 *       constant time, so timing does not reveal how much of a guess was right);</li>
 *   <li>any method but POST: 405; any path but the configured one: 404; a body that is not an Update: 400;</li>
 *   <li>otherwise the update goes to the same {@link UpdateHandler} polling uses, and the answer is 200 when its stage
 *       completed normally (effects durable, e.g. the paid pack stored), 503 when it failed or did not finish within
 *       {@link Settings#handlingTimeout()}: Telegram retries, and the handler's idempotency makes the repeat
 *       harmless.</li>
 * </ul>
 *
 * <p>The update is read with a plain Jackson {@code ObjectMapper} into TelegramBots' {@link Update}, exactly as
 * TelegramBots reads a getUpdates answer, so both modes see the same objects. Thread-safe; {@link #close()} stops
 * taking requests and lets those in hand finish.
 */
public final class WebhookServer implements AutoCloseable {
    /** The header Telegram sets to setWebhook's {@code secret_token}. */
    public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Telegram's updates are a few KB; a body past this is not one. */
    private static final int MAX_BODY_BYTES = 1024 * 1024;

    /**
     * Where to listen and what to accept.
     *
     * @param host            interface to bind
     * @param port            0 picks a free port
     * @param path            the one path answered
     * @param secret          the secret Telegram must send in {@link #SECRET_HEADER}
     * @param threads         requests handled at once (Telegram opens up to setWebhook's max_connections, 40 by default)
     * @param handlingTimeout how long a request waits for its update to be handled before answering 503; keep it
     *                        under Telegram's own timeout for a webhook answer (about a minute)
     */
    public record Settings(String host, int port, String path, Secret secret, int threads, Duration handlingTimeout) {
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(handlingTimeout, "handlingTimeout");
            BotConfig.WebhookSettings.checkEndpoint(port, path);
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
        }

        /** 16 requests at once, 30 s to handle one. */
        public static Settings of(String host, int port, String path, Secret secret) {
            return new Settings(host, port, path, secret, 16, Duration.ofSeconds(30));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Gate gate;

    private WebhookServer(HttpServer server, ExecutorService executor, Gate gate) {
        this.server = server;
        this.executor = executor;
        this.gate = gate;
    }

    /**
     * Requests in hand, and whether new ones are still taken. The JDK server's own {@code stop(delay)} waits the whole
     * delay on JDK 17 even when nothing is in hand, so the graceful part of {@link #close(Duration)} is done here.
     */
    private static final class Gate {
        private int inHand; // guarded by this
        private boolean closing; // guarded by this

        synchronized boolean enter() {
            if (closing) {
                return false;
            }
            inHand++;
            return true;
        }

        synchronized void leave() {
            inHand--;
            notifyAll();
        }

        /** Refuses new requests, then waits up to {@code grace} for those in hand; returns how many are still. */
        synchronized int close(Duration grace) {
            closing = true;
            long deadline = System.nanoTime() + grace.toNanos();
            try {
                while (inHand > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inHand;
        }
    }

    /**
     * Listens at once and hands each authentic update to {@code handler}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static WebhookServer start(Settings settings, UpdateHandler handler) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(handler, "handler");
        byte[] secret = settings.secret().value().getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        Gate gate = new Gate();
        // one context for every path: the JDK matches contexts by prefix, so "/hook" would also serve "/hooked"
        server.createContext("/", exchange -> {
            try {
                if (!gate.enter()) {
                    // stopping: not handled here, so Telegram sends it again (to a replica that is up)
                    respond(exchange, 503, "stopping\n");
                    return;
                }
                try {
                    serve(exchange, settings, secret, handler);
                } finally {
                    gate.leave();
                }
            } finally {
                exchange.close();
            }
        });
        server.start();
        log.info("webhook server on http://{}:{}{} (requests need the secret header)", settings.host(),
                server.getAddress().getPort(), settings.path());
        return new WebhookServer(server, executor, gate);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(HttpExchange exchange, Settings settings, byte[] secret, UpdateHandler handler)
            throws IOException {
        if (!authentic(exchange, secret)) {
            respond(exchange, 401, "unauthorized\n");
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            respond(exchange, 405, "method not allowed\n");
            return;
        }
        if (!exchange.getRequestURI().getPath().equals(settings.path())) {
            respond(exchange, 404, "not found\n");
            return;
        }
        Update update;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                respond(exchange, 413, "too large\n");
                return;
            }
            update = JSON.readValue(body, Update.class);
        } catch (IOException e) {
            // not an update we can read: answering 400 tells whoever sent it; Telegram would send it again and again
            log.warn("webhook request with a body that is not an Update ({}); answered 400",
                    Redaction.redact(e.getClass().getSimpleName()));
            respond(exchange, 400, "not an update\n");
            return;
        }
        respond(exchange, handled(update, handler, settings.handlingTimeout()) ? 200 : 503, "");
    }

    /** Whether the update's stage completed normally within the timeout. */
    private static boolean handled(Update update, UpdateHandler handler, Duration timeout) {
        CompletableFuture<?> outcome;
        try {
            outcome = handler.handle(update).toCompletableFuture();
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        try {
            outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            log.warn("update {} was not handled ({}); answered 503 so Telegram sends it again", update.getUpdateId(),
                    Redaction.redact(String.valueOf(e.getCause())));
        } catch (TimeoutException e) {
            // it may still finish; if so, the repeat Telegram sends is recognised by the handler's idempotency keys
            log.warn("update {} not handled within {} ms; answered 503 so Telegram sends it again", update.getUpdateId(),
                    timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static boolean authentic(HttpExchange exchange, byte[] secret) {
        String given = exchange.getRequestHeaders().getFirst(SECRET_HEADER);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (bytes.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    /**
     * Answers new requests 503, waits up to {@code grace} for those in hand to be answered (their updates are being
     * handled; cut short, they are not answered 200, so Telegram sends them again), then stops listening.
     */
    public void close(Duration grace) {
        int left = gate.close(grace);
        if (left > 0) {
            log.warn("{} webhook request(s) still in hand after {}; not answered, Telegram sends them again", left, grace);
        }
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
