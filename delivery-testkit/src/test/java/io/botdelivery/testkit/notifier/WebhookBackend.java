package io.botdelivery.testkit.notifier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP webhook endpoint on 127.0.0.1 (the JDK's HttpServer), the backend of the kit's self-test notifiers:
 * it records every alert body it accepts, and can refuse (503), reject as invalid (400), hang or go away.
 */
final class WebhookBackend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final List<String> accepted = new ArrayList<>();
    private final AtomicInteger refuse = new AtomicInteger();
    private final AtomicInteger reject = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean hang;

    WebhookBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/alerts", this::handle);
        // a handler thread per request: a hanging request must not hold up the others
        server.setExecutor(handlers);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (hang) {
                released.await(60, TimeUnit.SECONDS);
                return;
            }
            int status = refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503
                    : reject.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 400 : 204;
            if (status == 204) {
                synchronized (accepted) {
                    accepted.add(body);
                }
            }
            byte[] answer = (status == 204 ? "" : "refused").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, status == 204 ? -1 : answer.length);
            if (status != 204) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<String> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    void refuseNext(int n) {
        refuse.addAndGet(n);
    }

    void rejectNext(int n) {
        reject.addAndGet(n);
    }

    void hang() {
        hang = true;
    }

    /** Stops listening: the next connection is refused. */
    void goAway() {
        server.stop(0);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
