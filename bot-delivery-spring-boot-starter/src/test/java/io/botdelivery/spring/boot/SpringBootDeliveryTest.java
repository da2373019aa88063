package io.botdelivery.spring.boot;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.actuate.metrics.MetricsEndpoint;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter as an application meets it: a Spring Boot context with Actuator, the local limiter, the memory store and
 * Telegram's sender pointed at the simulator, configured by properties only.
 */
@SpringBootTest(classes = SpringBootDeliveryTest.App.class, properties = {
        "management.endpoints.web.exposure.include=health,metrics",
        "management.endpoint.health.show-details=always",
        // Telegram counts arrivals: the limiter fills each window exactly, so its windows must be longer by the jitter
        // between a grant and the arrival; a 2-core machine shared with other builds shows more than the 50 ms default.
        "bot-delivery.budgets.arrival-margin=200ms"})
class SpringBootDeliveryTest {

    private static final TelegramSimulator TELEGRAM = TelegramSimulator.start();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void telegram(DynamicPropertyRegistry properties) {
        properties.add("bot-delivery.token", TELEGRAM::token);
        properties.add("bot-delivery.api-url", () -> TELEGRAM.baseUrl().toString());
    }

    @AfterAll
    static void stopTelegram() {
        TELEGRAM.close();
    }

    @Autowired
    DeliveryService deliveries;
    @Autowired
    DeliveryEngine engine;
    @Autowired
    MeterRegistry registry;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MetricsEndpoint metrics;

    @Test
    @DisplayName("100 deliveries submitted to the engine bean reach Telegram, and Actuator shows them")
    void hundredDeliveries() {
        assertThat(deliveries).isSameAs(engine);
        // no warm-up delivery first: the engine's cold start keeps the very first sends of a cold JVM within the limits
        List<String> texts = IntStream.rangeClosed(1, 100).mapToObj(i -> "message " + i).toList();
        for (int i = 0; i < texts.size(); i++) {
            // a hundred private chats: only the bot-wide budget (30/s) paces them
            deliveries.submit(DeliveryRequest.builder(1_000 + i, Payload.text(texts.get(i))).build());
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(registry.counter("delivery.delivered").count()).isEqualTo(100));
        assertThat(TELEGRAM.record().check(texts).isExactlyOnce()).isTrue();
        assertThat(TELEGRAM.record().rateLimited()).isEmpty();

        CompositeHealth root = (CompositeHealth) health.health();
        assertThat(root.getStatus()).isEqualTo(Status.UP);
        var component = health.healthForPath("botDelivery");
        assertThat(component.getStatus()).isEqualTo(Status.UP);
        assertThat(((org.springframework.boot.actuate.health.Health) component).getDetails())
                .containsEntry("engine", "running")
                .containsEntry("store", "reachable");

        assertThat(metrics.metric("delivery.submitted", null).getMeasurements().get(0).getValue()).isEqualTo(100.0);
        assertThat(metrics.metric("delivery.delivered", null).getMeasurements().get(0).getValue()).isEqualTo(100.0);
    }

    @Test
    @DisplayName("with nothing configured but the token, the limiter is the local one and the store the memory one")
    void defaultsAdapters(@Autowired io.botdelivery.core.spi.RateLimiter limiter, @Autowired io.botdelivery.core.spi.RetryStore store) {
        assertThat(limiter).isInstanceOf(LocalRateLimiter.class);
        assertThat(store).isInstanceOf(InMemoryRetryStore.class);
    }
}
