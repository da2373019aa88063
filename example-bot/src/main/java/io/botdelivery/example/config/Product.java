package io.botdelivery.example.config;

import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something the shop sells for Telegram Stars, and the media pack a buyer receives.
 *
 * @param id          short name used in buttons and invoices ({@code [a-z0-9-]}, at most 32 characters)
 * @param title       invoice title (1 to 32 characters, Telegram's limit)
 * @param description invoice description (1 to 255 characters, Telegram's limit)
 * @param priceStars  price in Telegram Stars (XTR), 1 to 10000
 * @param photos      photos of the pack, in order (may be empty)
 * @param video       a video, or {@code null}
 * @param document    a document, or {@code null}
 */
public record Product(String id, String title, String description, int priceStars, List<MediaSource> photos,
                      MediaSource video, MediaSource document) {
    public static final int MAX_PRICE_STARS = 10_000;

    public Product {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        photos = List.copyOf(photos);
        if (!id.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("product id: 1 to 32 of a-z, 0-9 and -, was " + id);
        }
        if (title.isBlank() || title.length() > 32) {
            throw new IllegalArgumentException("title: 1 to 32 characters");
        }
        if (description.isBlank() || description.length() > 255) {
            throw new IllegalArgumentException("description: 1 to 255 characters");
        }
        if (priceStars < 1 || priceStars > MAX_PRICE_STARS) {
            throw new IllegalArgumentException("price-stars: 1 to " + MAX_PRICE_STARS);
        }
        int visual = photos.size() + (video == null ? 0 : 1);
        if (visual + (document == null ? 0 : 1) == 0) {
            throw new IllegalArgumentException("a product needs at least one photo, video or document to deliver");
        }
        if (visual > Payload.Album.MAX_ITEMS) {
            throw new IllegalArgumentException("photos and video: at most " + Payload.Album.MAX_ITEMS + " (one album)");
        }
    }

    /**
     * The photos and the video as one payload: an album when there are two or more, a single photo or video when there
     * is one; empty when there are none. The title is its caption.
     */
    public Optional<Payload> visualPart() {
        List<Payload.Media> items = new ArrayList<>();
        photos.forEach(p -> items.add(Payload.photo(p)));
        if (video != null) {
            items.add(Payload.video(video));
        }
        if (items.isEmpty()) {
            return Optional.empty();
        }
        if (items.size() == 1) {
            Payload.Media only = items.get(0);
            return Optional.of(new Payload.Media(only.mediaKind(), only.source(), title, only.parseMode()));
        }
        return Optional.of(Payload.album(title, items.toArray(Payload.Media[]::new)));
    }

    /** The document, if the pack has one. */
    public Optional<Payload> documentPart() {
        return Optional.ofNullable(document).map(d -> Payload.document(d, title));
    }

    /** How many messages Telegram counts for the whole pack, receipt included. */
    public int messageCount() {
        return visualPart().map(Payload::messageCount).orElse(0) + (document == null ? 0 : 1) + 1;
    }
}
