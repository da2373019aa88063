package io.botdelivery.example.config;

import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.MediaSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code products.<id>.<field>} keys into a {@link Catalog}. A media reference is a Telegram file id written
 * {@code file-id:AgAC...}, an {@code http(s)://} URL Telegram downloads itself, or a file path (relative to the config
 * file) that the bot uploads.
 */
final class CatalogReader {
    private CatalogReader() {
    }

    static Catalog read(LayeredSettings settings, SettingsReader reader) {
        Set<String> ids = new LinkedHashSet<>();
        for (String key : settings.keysUnder("products.")) {
            ids.add(key.split("\\.")[1]);
        }
        List<Product> products = new ArrayList<>();
        for (String id : ids) {
            product(id, reader).ifPresent(products::add);
        }
        return new Catalog(products);
    }

    private static Optional<Product> product(String id, SettingsReader reader) {
        String prefix = "products." + id + ".";
        int before = reader.problems().size();
        if (!id.matches("[a-z0-9-]{1,32}")) {
            reader.problem("products." + id + ": a product id is 1 to 32 of a-z, 0-9 and -");
        }
        String title = reader.string(prefix + "title", "the invoice title, 1 to 32 characters");
        if (title != null && title.length() > 32) {
            reader.problem(SettingsReader.bad(reader.optional(prefix + "title").orElseThrow(), "1 to 32 characters (Telegram's limit)"));
        }
        String description = reader.optional(prefix + "description").map(Setting::value).orElse(title);
        if (description != null && description.length() > 255) {
            reader.problem(SettingsReader.bad(reader.optional(prefix + "description").orElseThrow(), "1 to 255 characters (Telegram's limit)"));
        }
        int price = reader.intIn(prefix + "price-stars", 1, Product.MAX_PRICE_STARS);
        List<MediaSource> photos = new ArrayList<>();
        reader.optional(prefix + "photos").ifPresent(s -> {
            for (String ref : s.value().split(",")) {
                if (!ref.isBlank()) {
                    media(s, ref.trim(), reader).ifPresent(photos::add);
                }
            }
        });
        MediaSource video = reader.optional(prefix + "video").flatMap(s -> media(s, s.value().trim(), reader)).orElse(null);
        MediaSource document = reader.optional(prefix + "document").flatMap(s -> media(s, s.value().trim(), reader)).orElse(null);
        if (reader.problems().size() > before) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Product(id, title, description, price, photos, video, document));
        } catch (IllegalArgumentException e) {
            reader.problem("products." + id + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<MediaSource> media(Setting s, String ref, SettingsReader reader) {
        try {
            return Optional.of(MediaReference.parse(ref, reader.resolve("")));
        } catch (InvalidDeliveryException e) {
            reader.problem(SettingsReader.bad(new Setting(s.key(), ref, s.source()), MediaReference.HINT + " (" + e.rule() + ")"));
            return Optional.empty();
        }
    }
}
