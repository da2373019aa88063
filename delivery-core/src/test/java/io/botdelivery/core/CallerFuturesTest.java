package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class CallerFuturesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private static Delivery accepted(long chatId) {
        return Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(chatId, Payload.text("hi")).build(), NOW);
    }

    @Test
    @DisplayName("a sweep checks each pending future once per pass, oldest check first, and drops the completed ones from its order")
    void sweepWalksThePendingOnesInTurn() {
        CallerFutures futures = new CallerFutures();
        List<Delivery> deliveries = new ArrayList<>();
        Map<DeliveryId, CompletableFuture<Delivery>> byId = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            Delivery d = accepted(i + 1);
            deliveries.add(d);
            byId.put(d.id(), futures.futureFor(d));
        }
        List<List<DeliveryId>> asked = new ArrayList<>();
        // the first two ended elsewhere: the store has them DELIVERED
        futures.sweep(2, id -> false, ids -> {
            asked.add(List.copyOf(ids));
            return ids.stream().map(id -> deliveries.stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow()
                    .withStatus(DeliveryStatus.DELIVERED, NOW)).toList();
        });
        assertThat(asked.get(0)).containsExactly(deliveries.get(0).id(), deliveries.get(1).id());
        assertThat(byId.get(deliveries.get(0).id())).isCompleted();
        assertThat(futures.pendingCount()).isEqualTo(3);

        // the next passes see the other three, then start again at the first of them: the completed ones are gone
        List<DeliveryId> seen = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            futures.sweep(2, id -> false, ids -> {
                seen.addAll(ids);
                return List.of();
            });
        }
        assertThat(seen).containsExactly(deliveries.get(2).id(), deliveries.get(3).id(), deliveries.get(4).id(),
                deliveries.get(2).id());
        futures.sweep(10, id -> false, ids -> {
            assertThat(ids).hasSize(3);
            return List.of();
        });
    }
}
