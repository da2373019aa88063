package io.botdelivery.example.ops;

import io.botdelivery.testkit.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The ops endpoint")
class OpsServerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean telegramUp = new AtomicBoolean(true);
    private final List<HealthCheck> checks = List.of(
            HealthCheck.of("store", () -> HealthCheck.Status.up("memory")),
            HealthCheck.of("telegram", () -> telegramUp.get() ? HealthCheck.Status.up("ok") : HealthCheck.Status.down("unreachable")));
    private OpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private OpsServer start(OpsServer.Settings settings) throws IOException {
        server = OpsServer.start(settings, registry, checks);
        return server;
    }

    private HttpResponse<String> call(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("binds the loopback interface by default")
    void loopbackByDefault() throws IOException {
        start(OpsServer.Settings.local(0));
        InetAddress bound = server.address().getAddress();
        assertThat(bound.isLoopbackAddress()).as("bound to %s", bound).isTrue();
    }

    @ParameterizedTest(name = "{0} → 405")
    @ValueSource(strings = {"DELETE", "POST", "PUT", "PATCH", "OPTIONS"})
    @DisplayName("answers only GET and HEAD")
    void onlyReads(String method) throws Exception {
        start(OpsServer.Settings.local(0));
        for (String path : List.of("/metrics", "/health/ready", "/health/live")) {
            HttpResponse<String> r = call(method, path, null);
            assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }

    @Test
    @DisplayName("HEAD gets the status without a body")
    void head() throws Exception {
        start(OpsServer.Settings.local(0));
        HttpResponse<String> r = call("HEAD", "/health/live", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Nested
    @DisplayName("health")
    class Health {
        @Test
        @DisplayName("liveness stays 200 while a dependency is down; readiness turns 503 and says which")
        void liveVersusReady() throws Exception {
            start(OpsServer.Settings.local(0));
            telegramUp.set(false);
            assertThat(call("GET", "/health/live", null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = call("GET", "/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"telegram\"", "\"DOWN\"", "unreachable");
            telegramUp.set(true);
            assertThat(call("GET", "/health/ready", null).statusCode()).isEqualTo(200);
            assertThat(call("GET", "/health", null).statusCode()).as("the older name of readiness").isEqualTo(200);
        }

        @Test
        @DisplayName("an unknown path is 404, also one that merely starts like a known one")
        void unknownPath() throws Exception {
            start(OpsServer.Settings.local(0));
            assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(404);
            assertThat(call("GET", "/metricsx", null).statusCode()).isEqualTo(404);
        }

        @Test
        @DisplayName("a cached check runs at most once per interval, and a throwing check counts as down")
        void cachedCheck() throws Exception {
            MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
            AtomicInteger runs = new AtomicInteger();
            HealthCheck counting = new HealthCheck() {
                @Override
                public String name() {
                    return "store";
                }

                @Override
                public Status check() {
                    if (runs.incrementAndGet() == 3) {
                        throw new IllegalStateException("connection refused");
                    }
                    return Status.up("fine");
                }
            };
            HealthCheck cached = counting.cached(Duration.ofSeconds(5), clock);
            assertThat(cached.check().up()).isTrue();
            clock.advance(Duration.ofSeconds(4));
            assertThat(cached.check().up()).isTrue();
            assertThat(runs).hasValue(1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(cached.check().up()).isTrue();
            assertThat(runs).hasValue(2);
            clock.advance(Duration.ofSeconds(5));
            HealthCheck.Status down = cached.check();
            assertThat(down.up()).isFalse();
            assertThat(down.detail()).contains("connection refused");
            assertThat(cached.name()).isEqualTo("store");
        }
    }

    @Nested
    @DisplayName("metrics")
    class Metrics {
        @Test
        @DisplayName("are open when no token is configured")
        void open() throws Exception {
            start(OpsServer.Settings.local(0));
            registry.counter("delivery.submitted").increment();
            HttpResponse<String> r = call("GET", "/metrics", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("delivery_submitted_total");
        }

        @Test
        @DisplayName("need the bearer token when one is configured; a wrong one is refused")
        void bearer() throws Exception {
            start(new OpsServer.Settings("127.0.0.1", 0, Optional.of("s3cret-token")));
            assertThat(call("GET", "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(call("GET", "/metrics", null).headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(call("GET", "/metrics", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(call("GET", "/metrics", "Basic czNjcmV0LXRva2Vu").statusCode()).isEqualTo(401);
            assertThat(call("GET", "/metrics", "Bearer s3cret-token").statusCode()).isEqualTo(200);
            assertThat(call("GET", "/health/live", null).statusCode()).as("probes need no token").isEqualTo(200);
        }
    }
}
