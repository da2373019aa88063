package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedisRateLimiterModule")
class RedisRateLimiterModuleTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    @Test
    @DisplayName("binds the RateLimiter port to a RedisRateLimiter that uses the app's meter registry")
    void bindsThePort() {
        MeterRegistry registry = new SimpleMeterRegistry();
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("module-" + System.nanoTime())
                .address(REDIS.address()).build();
        Injector injector = Guice.createInjector(new RedisRateLimiterModule(config), new AbstractModule() {
            @Override
            protected void configure() {
                bind(MeterRegistry.class).toInstance(registry);
            }
        });

        RateLimiter limiter = injector.getInstance(RateLimiter.class);
        try {
            assertThat(limiter).isInstanceOf(RedisRateLimiter.class).isSameAs(injector.getInstance(RateLimiter.class));
            assertThat(limiter.reserve(RateRequest.of(1), Duration.ZERO)).isInstanceOf(Reservation.Granted.class);
            assertThat(registry.find(LimiterMetrics.DECISIONS).counters()).isNotEmpty();
        } finally {
            ((RedisRateLimiter) limiter).close();
        }
    }

    @Test
    @DisplayName("opens no connection while the injector is built, even in production stage with Redis down")
    void noSideEffectsInConfigure() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("module-down")
                .address("redis://127.0.0.1:" + deadPort).outagePolicy(OutagePolicy.LOCAL_SHARE).build();

        Injector injector = Guice.createInjector(Stage.PRODUCTION, new RedisRateLimiterModule(config));

        RedisRateLimiter limiter = (RedisRateLimiter) injector.getInstance(RateLimiter.class);
        try {
            assertThat(limiter.reserve(RateRequest.of(1), Duration.ZERO)).isInstanceOf(Reservation.Granted.class);
            assertThat(limiter.mode()).isEqualTo(RedisRateLimiter.Mode.LOCAL);
        } finally {
            limiter.close();
        }
    }
}
