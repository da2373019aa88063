package io.botdelivery.store.memory;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.FailureClass;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.testkit.RetryStoreContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRetryStoreContractTest extends RetryStoreContract {
    @Override
    protected RetryStore createStore(Clock clock) {
        return new InMemoryRetryStore();
    }

    @Test
    @DisplayName("forgets the oldest finished deliveries beyond its bound, never an unfinished one or an owed alert")
    void boundedFinishedRows() {
        InMemoryRetryStore bounded = new InMemoryRetryStore(2);
        Lease lease = new Lease("w1", clock.instant().plusSeconds(30));
        Delivery owed = bounded.save(newDelivery(1), lease).delivery();
        bounded.fail(owed.id(), "w1", failedAttempt(owed, "chat not found", FailureClass.PERMANENT_RECIPIENT),
                clock.instant(), clock.instant());
        Delivery unfinished = bounded.save(newDelivery(2), null).delivery();
        List<Delivery> delivered = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Delivery d = bounded.save(newDelivery(10 + i), lease).delivery();
            bounded.complete(d.id(), "w1", List.of((long) i), clock.instant());
            delivered.add(d);
        }

        assertThat(bounded.find(owed.id())).isPresent();
        assertThat(bounded.find(unfinished.id())).isPresent();
        assertThat(delivered).filteredOn(d -> bounded.find(d.id()).isPresent()).extracting(Delivery::id)
                .as("only the newest finished ones are kept").containsExactly(delivered.get(3).id());
    }
}
