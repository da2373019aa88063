package io.botdelivery.example.shop;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.example.config.Product;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PackOrderTest {
    private static final Product PACK = new Product("wallpapers", "Wallpapers", "Twelve wallpapers", 50,
            List.of(MediaSource.fileId("p1"), MediaSource.fileId("p2")), MediaSource.fileId("v1"), MediaSource.fileId("d1"));

    @Test
    @DisplayName("a payment becomes album, document and receipt, keyed by the charge id and ordered by one key")
    void deliveries() {
        List<DeliveryRequest> parts = new PackOrder(42, "charge-7", PACK).deliveries();
        assertThat(parts).extracting(r -> r.payload().kind()).containsExactly("album", "document", "text");
        assertThat(parts).extracting(r -> r.idempotencyKey().value())
                .containsExactly("charge-7:pack", "charge-7:document", "charge-7:receipt");
        assertThat(parts).allSatisfy(r -> {
            assertThat(r.chatId()).isEqualTo(42);
            assertThat(r.orderingKey()).isEqualTo("order:charge-7");
            assertThat(r.priority()).isEqualTo(Priority.HIGH);
            assertThat(r.onAmbiguous()).isEqualTo(AmbiguousOutcomePolicy.RETRY);
        });
        assertThat(parts.get(0).payload().messageCount()).isEqualTo(3);
        assertThat(((Payload.Text) parts.get(2).payload()).text()).contains("Wallpapers", "50 ⭐", "charge-7");
    }

    @Test
    @DisplayName("a single photo is sent as a photo, not as an album of one")
    void singlePhoto() {
        Product one = new Product("one", "One", "One photo", 5, List.of(MediaSource.fileId("p1")), null, null);
        List<DeliveryRequest> parts = new PackOrder(42, "c", one).deliveries();
        assertThat(parts).extracting(r -> r.payload().kind()).containsExactly("photo", "text");
        assertThat(one.messageCount()).isEqualTo(2);
    }
}
