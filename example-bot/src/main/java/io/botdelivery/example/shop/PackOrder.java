package io.botdelivery.example.shop;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.example.config.Product;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a successful payment turns into: the product's album, its document and a receipt, as engine deliveries.
 *
 * <p>Every delivery's idempotency key is the payment's {@code telegram_payment_charge_id} plus the part's name, so a
 * payment update that arrives twice (a restart before the update offset was confirmed, two replicas) delivers once.
 * All parts share one ordering key, so the receipt never arrives before the pack, even when the album needs a retry.
 * HIGH priority: a buyer never waits behind a broadcast. Ambiguous outcomes are retried: a buyer must get what they
 * paid for, at worst twice.
 *
 * @param chatId   the buyer's chat
 * @param chargeId Telegram's {@code telegram_payment_charge_id}
 * @param product  what was bought
 */
public record PackOrder(long chatId, String chargeId, Product product) {
    public PackOrder {
        Objects.requireNonNull(chargeId, "chargeId");
        Objects.requireNonNull(product, "product");
        if (chargeId.isBlank() || chargeId.length() > 150) {
            throw new IllegalArgumentException("chargeId: 1 to 150 characters");
        }
    }

    /** The deliveries to submit, in the order the buyer will receive them. */
    public List<DeliveryRequest> deliveries() {
        List<DeliveryRequest> out = new ArrayList<>();
        product.visualPart().ifPresent(p -> out.add(part("pack", p)));
        product.documentPart().ifPresent(p -> out.add(part("document", p)));
        out.add(part("receipt", Payload.text(receiptText())));
        return out;
    }

    /** The ordering key every part shares. */
    public String orderingKey() {
        return "order:" + chargeId;
    }

    String receiptText() {
        return "Receipt\n"
                + product.title() + " — " + product.priceStars() + " ⭐ (Telegram Stars)\n"
                + "Payment: " + chargeId + "\n"
                + "Thank you! Your pack is above. If anything is missing, just write /start and ask.";
    }

    private DeliveryRequest part(String name, Payload payload) {
        return DeliveryRequest.builder(chatId, payload)
                .idempotencyKey(chargeId + ":" + name)
                .orderingKey(orderingKey())
                .priority(Priority.HIGH)
                .onAmbiguous(AmbiguousOutcomePolicy.RETRY)
                .businessReference("order " + chargeId + " (" + product.id() + ")")
                .build();
    }
}
