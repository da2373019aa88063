package io.botdelivery.bench.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load balancer of the replica section, on one machine: one address, each request passed to the next upstream in
 * turn with its method, path, body and the webhook secret header. It has no active health check. With
 * {@code passRefusedToNext}, a request whose connection an upstream refused goes to the next upstream, as nginx does by
 * default ({@code proxy_next_upstream error timeout}: a POST not yet sent may go to the next server); without it, like
 * a balancer with no failover at all, a refused turn answers 502. Either way a request the upstream dropped after
 * receiving it (a {@code kill -9} mid-request) answers 502, and only Telegram's retry brings that update to another
 * replica. It reads the secret header only to pass it on; it never logs or keeps it.
 */
final class RoundRobinForwarder implements AutoCloseable {
    private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    /** What one upstream answered so far. */
    record UpstreamCounts(String address, int answered2xx, int answeredOther, int unreachable) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "forwarder");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<InetSocketAddress> upstreams;
    private final List<AtomicInteger[]> counts;
    private final AtomicLong turn = new AtomicLong();
    private final boolean passRefusedToNext;

    private RoundRobinForwarder(HttpServer server, List<InetSocketAddress> upstreams, boolean passRefusedToNext) {
        this.server = server;
        this.passRefusedToNext = passRefusedToNext;
        this.upstreams = List.copyOf(upstreams);
        this.counts = upstreams.stream().map(u -> new AtomicInteger[] {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()}).toList();
    }

    /**
     * Listens on {@code 127.0.0.1:port} (0: a free port) and forwards to {@code upstreams} in turn; with
     * {@code passRefusedToNext}, a refused connection moves the request on to the next upstream (each tried once).
     */
    static RoundRobinForwarder start(int port, List<InetSocketAddress> upstreams, boolean passRefusedToNext) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("at least one upstream");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); pick another --balancer-port", e);
        }
        RoundRobinForwarder forwarder = new RoundRobinForwarder(server, upstreams, passRefusedToNext);
        server.setExecutor(forwarder.executor);
        server.createContext("/", forwarder::handle);
        server.start();
        return forwarder;
    }

    /** The port it listens on. */
    int port() {
        return server.getAddress().getPort();
    }

    List<InetSocketAddress> upstreams() {
        return upstreams;
    }

    /** Per upstream, in the order given: 2xx answers, other answers, and tries that could not reach it (refused, reset, timed out). */
    List<UpstreamCounts> counts() {
        return java.util.stream.IntStream.range(0, upstreams.size())
                .mapToObj(i -> new UpstreamCounts(address(upstreams.get(i)), counts.get(i)[0].get(), counts.get(i)[1].get(), counts.get(i)[2].get()))
                .toList();
    }

    static String address(InetSocketAddress upstream) {
        return upstream.getHostString() + ":" + upstream.getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            int first = (int) Math.floorMod(turn.getAndIncrement(), (long) upstreams.size());
            int status = 502;
            for (int tried = 0; tried < upstreams.size(); tried++) {
                int index = (first + tried) % upstreams.size();
                try {
                    status = http.send(request(exchange, upstreams.get(index), body), HttpResponse.BodyHandlers.discarding()).statusCode();
                    counts.get(index)[status / 100 == 2 ? 0 : 1].incrementAndGet();
                    break;
                } catch (ConnectException e) {
                    counts.get(index)[2].incrementAndGet(); // refused: nothing was sent, so another upstream may take it
                    if (!passRefusedToNext) {
                        break;
                    }
                } catch (IOException e) {
                    counts.get(index)[2].incrementAndGet(); // reset or timed out after sending: this replica went down
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            exchange.sendResponseHeaders(status, -1);
        } finally {
            exchange.close();
        }
    }

    private static HttpRequest request(HttpExchange exchange, InetSocketAddress upstream, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address(upstream) + exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String secret = exchange.getRequestHeaders().getFirst(SECRET_HEADER);
        if (secret != null) {
            request.header(SECRET_HEADER, secret);
        }
        return request.build();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
