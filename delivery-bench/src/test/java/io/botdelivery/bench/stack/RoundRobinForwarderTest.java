package io.botdelivery.bench.stack;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinForwarderTest {
    private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    /** One request as an upstream received it. */
    record Received(String upstream, String method, String path, String secret, String body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @Test
    @DisplayName("requests go to the upstreams in turn, with their method, path, body and the secret header")
    void roundRobinWithSecret() throws Exception {
        InetSocketAddress a = upstream("a", 200);
        InetSocketAddress b = upstream("b", 503);
        RoundRobinForwarder forwarder = forwarder(List.of(a, b), true);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(post(forwarder, "update-" + i));
        }

        assertThat(statuses).containsExactly(200, 503, 200, 503);
        assertThat(received).extracting(Received::upstream).containsExactly("a", "b", "a", "b");
        assertThat(received).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/telegram/webhook");
            assertThat(r.secret()).isEqualTo("the-secret");
        });
        assertThat(received).extracting(Received::body).containsExactly("update-0", "update-1", "update-2", "update-3");
        assertThat(forwarder.counts()).extracting(RoundRobinForwarder.UpstreamCounts::answered2xx).containsExactly(2, 0);
        assertThat(forwarder.counts()).extracting(RoundRobinForwarder.UpstreamCounts::answeredOther).containsExactly(0, 2);
    }

    @Test
    @DisplayName("a refused connection goes to the next upstream (nginx's default); with plain it answers 502")
    void refusedUpstream() throws Exception {
        InetSocketAddress down = closedPort();
        InetSocketAddress up = upstream("up", 200);

        RoundRobinForwarder passing = forwarder(List.of(down, up), true);
        assertThat(List.of(post(passing, "1"), post(passing, "2"))).containsExactly(200, 200);
        assertThat(passing.counts().get(0).unreachable()).isEqualTo(1);
        assertThat(passing.counts().get(1).answered2xx()).isEqualTo(2);

        RoundRobinForwarder plain = forwarder(List.of(down, up), false);
        assertThat(List.of(post(plain, "3"), post(plain, "4"))).containsExactly(502, 200);
        assertThat(plain.counts().get(0).unreachable()).isEqualTo(1);
    }

    private RoundRobinForwarder forwarder(List<InetSocketAddress> upstreams, boolean passRefusedToNext) {
        RoundRobinForwarder forwarder = RoundRobinForwarder.start(0, upstreams, passRefusedToNext);
        opened.add(forwarder);
        return forwarder;
    }

    private int post(RoundRobinForwarder forwarder, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forwarder.port() + "/telegram/webhook"))
                .header(SECRET_HEADER, "the-secret").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private InetSocketAddress upstream(String name, int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(new Received(name, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst(SECRET_HEADER), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(status, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        opened.add(() -> server.stop(0));
        return InetSocketAddress.createUnresolved("127.0.0.1", server.getAddress().getPort());
    }

    /** A loopback port nothing listens on: connections to it are refused. */
    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return InetSocketAddress.createUnresolved("127.0.0.1", socket.getLocalPort());
        }
    }
}
