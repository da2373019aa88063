package io.botdelivery.example.shop;

import java.util.Optional;

/**
 * The {@code payload} the bot puts in an invoice and Telegram hands back with the pre-checkout query and the
 * successful payment: which product was bought. Telegram allows 1 to 128 bytes.
 */
final class InvoicePayload {
    private static final String PREFIX = "product:";

    private InvoicePayload() {
    }

    static String of(String productId) {
        return PREFIX + productId;
    }

    static Optional<String> productId(String payload) {
        if (payload == null || !payload.startsWith(PREFIX) || payload.length() == PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(payload.substring(PREFIX.length()));
    }
}
