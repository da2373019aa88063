package io.botdelivery.api;

/**
 * What to send. Every record checks Telegram's input rules in its constructor and throws
 * {@link InvalidDeliveryException} naming the field and the rule.
 */
public sealed interface Payload permits Payload.Text, Payload.Media, Payload.Album {

    /** Telegram's limit on a text message. */
    int MAX_TEXT_LENGTH = 4096;
    /** Telegram's limit on a media caption. */
    int MAX_CAPTION_LENGTH = 1024;

    /** Short lowercase name of the kind: text, photo, video, animation, document, audio, album. */
    String kind();

    /** How many messages Telegram counts: 1, or the item count of an album. */
    default int messageCount() {
        return 1;
    }

    static Text text(String text) {
        return new Text(text, ParseMode.PLAIN);
    }

    /** A text message of 1 to 4096 characters. */
    record Text(String text, ParseMode parseMode) implements Payload {
        public Text {
            InvalidDeliveryException.required(text, "payload.text");
            InvalidDeliveryException.check(!text.isBlank(), "payload.text", "must not be empty (Telegram needs 1 to 4096 characters)");
            InvalidDeliveryException.check(text.length() <= MAX_TEXT_LENGTH, "payload.text",
                    "at most 4096 characters, was " + text.length());
            InvalidDeliveryException.required(parseMode, "payload.parseMode");
        }

        @Override
        public String kind() {
            return "text";
        }
    }

    /** The kinds of single media Telegram sends with sendPhoto, sendVideo, … */
    enum MediaKind {
        PHOTO, VIDEO, ANIMATION, DOCUMENT, AUDIO;

        public String lowerName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One photo, video, animation, document or audio, with an optional caption ({@code null} for none, at most 1024
     * characters).
     */
    record Media(MediaKind mediaKind, MediaSource source, String caption, ParseMode parseMode) implements Payload {
        public Media {
            InvalidDeliveryException.required(mediaKind, "payload.kind");
            InvalidDeliveryException.required(source, "payload.source");
            InvalidDeliveryException.required(parseMode, "payload.parseMode");
            if (caption != null) {
                InvalidDeliveryException.check(caption.length() <= MAX_CAPTION_LENGTH, "payload.caption",
                        "at most 1024 characters, was " + caption.length());
                if (caption.isEmpty()) {
                    caption = null;
                }
            }
            if (mediaKind == MediaKind.PHOTO) {
                InvalidDeliveryException.check(source.uploadSize() <= MediaSource.MAX_PHOTO_UPLOAD_BYTES, "payload.source",
                        "a photo upload is at most 10 MB (Telegram's limit); send it as a document instead");
            }
        }

        @Override
        public String kind() {
            return mediaKind.lowerName();
        }

        /** The same media without its caption. */
        public Media withoutCaption() {
            return new Media(mediaKind, source, null, parseMode);
        }
    }

    static Media photo(MediaSource source) {
        return new Media(MediaKind.PHOTO, source, null, ParseMode.PLAIN);
    }

    static Media photo(MediaSource source, String caption) {
        return new Media(MediaKind.PHOTO, source, caption, ParseMode.PLAIN);
    }

    static Media video(MediaSource source) {
        return new Media(MediaKind.VIDEO, source, null, ParseMode.PLAIN);
    }

    static Media video(MediaSource source, String caption) {
        return new Media(MediaKind.VIDEO, source, caption, ParseMode.PLAIN);
    }

    static Media animation(MediaSource source, String caption) {
        return new Media(MediaKind.ANIMATION, source, caption, ParseMode.PLAIN);
    }

    static Media document(MediaSource source) {
        return new Media(MediaKind.DOCUMENT, source, null, ParseMode.PLAIN);
    }

    static Media document(MediaSource source, String caption) {
        return new Media(MediaKind.DOCUMENT, source, caption, ParseMode.PLAIN);
    }

    static Media audio(MediaSource source) {
        return new Media(MediaKind.AUDIO, source, null, ParseMode.PLAIN);
    }

    static Media audio(MediaSource source, String caption) {
        return new Media(MediaKind.AUDIO, source, caption, ParseMode.PLAIN);
    }

    /** An album of 2 to 10 items; {@code caption} (may be null) goes on the first item, as Telegram shows it. */
    static Album album(String caption, Media... items) {
        java.util.List<Media> list = new java.util.ArrayList<>(java.util.List.of(items));
        if (caption != null && !list.isEmpty()) {
            Media first = list.get(0);
            list.set(0, new Media(first.mediaKind(), first.source(), caption, first.parseMode()));
        }
        return new Album(list);
    }

    /**
     * An album (Telegram's media group): 2 to 10 items; photos and videos may mix; documents only with documents;
     * audio only with audio; no animations. Each item may carry a caption; Telegram shows the first item's as the
     * album's caption.
     */
    record Album(java.util.List<Media> items) implements Payload {
        public static final int MIN_ITEMS = 2;
        public static final int MAX_ITEMS = 10;

        public Album {
            InvalidDeliveryException.required(items, "payload.items");
            items = java.util.List.copyOf(items);
            InvalidDeliveryException.check(items.size() >= MIN_ITEMS && items.size() <= MAX_ITEMS, "payload.items",
                    "an album has 2 to 10 items, was " + items.size());
            MediaKind first = items.get(0).mediaKind();
            for (int i = 0; i < items.size(); i++) {
                MediaKind kind = items.get(i).mediaKind();
                String field = "payload.items[" + i + "]";
                InvalidDeliveryException.check(kind != MediaKind.ANIMATION, field, "animations cannot be sent in an album");
                boolean visual = kind == MediaKind.PHOTO || kind == MediaKind.VIDEO;
                boolean firstVisual = first == MediaKind.PHOTO || first == MediaKind.VIDEO;
                InvalidDeliveryException.check(visual ? firstVisual : kind == first, field,
                        "photos and videos may mix; documents go only with documents and audio only with audio ("
                                + first.lowerName() + " and " + kind.lowerName() + " given)");
            }
        }

        @Override
        public String kind() {
            return "album";
        }

        @Override
        public int messageCount() {
            return items.size();
        }

        /**
         * What is left to send after the first {@code delivered} items arrived: an album of the rest, or a single media
         * if one item is left (Telegram refuses an album of one).
         */
        public Payload remainingAfter(int delivered) {
            if (delivered <= 0) {
                return this;
            }
            if (delivered >= items.size()) {
                throw new IllegalArgumentException("all " + items.size() + " items were delivered");
            }
            java.util.List<Media> rest = items.subList(delivered, items.size());
            return rest.size() == 1 ? rest.get(0) : new Album(rest);
        }
    }
}
