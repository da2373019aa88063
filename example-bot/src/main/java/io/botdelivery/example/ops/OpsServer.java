package io.botdelivery.example.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The operations endpoint, on the JDK's built-in HTTP server (four read-only paths need no web framework):
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process serves requests. It checks no dependency on purpose: a
 *       liveness probe that fails when Telegram is unreachable would restart healthy pods that can do nothing about
 *       it.</li>
 *   <li>{@code GET /health/ready} (and {@code /health}, its older name): 200 when every readiness check is up (this
 *       replica can deliver: store, limiter, Telegram), 503 otherwise, with each check's status and detail as JSON.</li>
 *   <li>{@code GET /metrics}: Prometheus text; with a bearer token configured, only for requests carrying it.</li>
 * </ul>
 *
 * It binds {@code 127.0.0.1} unless configured otherwise, answers GET and HEAD only (anything else: 405), and never
 * reflects request data into a response.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Where to listen and who may read the metrics.
     *
     * @param host         interface to bind: {@code 127.0.0.1} keeps it on the machine; {@code 0.0.0.0} exposes it
     * @param port         0 picks a free port
     * @param metricsToken when present, {@code /metrics} requires {@code Authorization: Bearer <token>}
     */
    public record Settings(String host, int port, Optional<String> metricsToken) {
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(metricsToken, "metricsToken");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
        }

        /** Loopback, the given port, open metrics. */
        public static Settings local(int port) {
            return new Settings("127.0.0.1", port, Optional.empty());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving; {@code readiness} are the checks behind {@code /health/ready}. */
    public static OpsServer start(Settings settings, PrometheusMeterRegistry registry, List<HealthCheck> readiness)
            throws IOException {
        List<HealthCheck> checks = List.copyOf(readiness);
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        // one context for every path: the JDK matches contexts by prefix, so "/health" would also serve "/healthz"
        server.createContext("/", exchange -> {
            try {
                route(exchange, settings, registry, checks);
            } finally {
                exchange.close();
            }
        });
        server.start();
        log.info("ops endpoint on http://{}:{} (/health/live, /health/ready, /metrics{})", settings.host(),
                server.getAddress().getPort(), settings.metricsToken().isPresent() ? " with a bearer token" : "");
        return new OpsServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void route(HttpExchange exchange, Settings settings, PrometheusMeterRegistry registry,
                              List<HealthCheck> checks) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return;
        }
        switch (exchange.getRequestURI().getPath()) {
            case "/health/live" -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}");
            case "/health/ready", "/health" -> ready(exchange, checks);
            case "/metrics" -> {
                if (!authorized(exchange, settings.metricsToken())) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                    respond(exchange, 401, "text/plain; charset=utf-8", "a bearer token is required\n");
                } else {
                    respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
                }
            }
            default -> respond(exchange, 404, "text/plain; charset=utf-8", "not found\n");
        }
    }

    private static boolean authorized(HttpExchange exchange, Optional<String> token) {
        if (token.isEmpty()) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        // constant time, so the answer's timing does not tell how much of a guess was right
        return MessageDigest.isEqual(header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8));
    }

    private static void ready(HttpExchange exchange, List<HealthCheck> checks) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode details = body.putObject("checks");
        boolean allUp = true;
        for (HealthCheck check : checks) {
            HealthCheck.Status status;
            try {
                status = check.check();
            } catch (Exception e) {
                status = HealthCheck.Status.down(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            allUp &= status.up();
            ObjectNode node = details.putObject(check.name());
            node.put("status", status.up() ? "UP" : "DOWN");
            node.put("detail", status.detail());
        }
        body.put("status", allUp ? "UP" : "DOWN");
        respond(exchange, allUp ? 200 : 503, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
