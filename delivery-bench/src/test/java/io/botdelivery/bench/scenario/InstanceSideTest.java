package io.botdelivery.bench.scenario;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceSideTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @Nested
    @DisplayName("instance settings")
    class Settings {
        @Test
        @DisplayName("survive the trip through their file, and a restart is the next incarnation from time zero")
        void roundTrip(@TempDir Path dir) {
            InstanceSettings s = new InstanceSettings(1, 0, 3, Wiring.REDIS_POSTGRES, dir, 0, "redis://127.0.0.1:1234",
                    "jdbc:postgresql://localhost:5432/x", "postgres", 4321, "7000000001:AAsimulatedTokenThatIsNotReal_0123456",
                    99_999, Duration.ofSeconds(25), Duration.ofSeconds(20), true, 48, Duration.ofMillis(50), Duration.ofMillis(250));
            Path file = dir.resolve("s.properties");
            s.write(file);
            assertThat(InstanceSettings.read(file)).isEqualTo(s);
            InstanceSettings restarted = s.restartedAt(1_000);
            assertThat(restarted.incarnation()).isEqualTo(1);
            assertThat(restarted.startEpochMillis()).isEqualTo(1_000);
            assertThat(restarted.eventLog()).hasFileName("events-1-01.log");
            assertThat(s.toString()).doesNotContain("AAsimulated");
            assertThat(InstanceAdapters.botId(s.token())).isEqualTo("7000000001");
        }
    }

    @Nested
    @DisplayName("the logging decorators")
    class Decorators {
        @Test
        @DisplayName("write claims and releases the lease audit reads back")
        void storeEvents(@TempDir Path dir) {
            MutableClock clock = MutableClock.at(T0);
            Path file = dir.resolve("events-0-00.log");
            DeliveryId id;
            try (EventLog log = new EventLog(file, clock)) {
                LoggedRetryStore store = new LoggedRetryStore(new InMemoryRetryStore(), log);
                Delivery d = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(101, Payload.text("hi")).build(), T0);
                id = d.id();
                store.save(d, new Lease("w0", T0.plusSeconds(25)));
                clock.advance(Duration.ofSeconds(1));
                store.complete(d.id(), "w0", List.of(1L), clock.instant());
            }
            List<LoggedEvent> events = LoggedEvent.readAll(dir);
            assertThat(events).extracting(LoggedEvent::type).containsExactly("CLAIM", "RELEASE");
            assertThat(events.get(0).field(0)).isEqualTo(id.toString());
            assertThat(events.get(0).longField(1)).isEqualTo(EventLog.micros(T0.plusSeconds(25)));
            assertThat(events.get(1).field(1)).isEqualTo("complete");
            assertThat(events.get(1).field(2)).isEqualTo("1");
        }
    }
}
