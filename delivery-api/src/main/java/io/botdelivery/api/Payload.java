package io.botdelivery.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What to send. Every record checks Telegram's input rules in its constructor and throws
 * {@link InvalidDeliveryException} naming the field and the rule. Every payload carries {@link SendOptions}
 * ({@link SendOptions#defaults()} unless given).
 */
public sealed interface Payload permits Payload.Text, Payload.Media, Payload.Album, Payload.Location, Payload.Venue,
        Payload.Contact, Payload.Dice, Payload.Poll, Payload.Copy, Payload.Forward, Payload.Invoice, Payload.BotApiCall {

    /** Telegram's limit on a text message, counted after entity parsing. */
    int MAX_TEXT_LENGTH = 4096;
    /** Telegram's limit on a media caption, counted after entity parsing. */
    int MAX_CAPTION_LENGTH = 1024;

    /**
     * Short lowercase name of the kind: text, photo, video, animation, document, audio, sticker, voice, video_note,
     * album, location, venue, contact, dice, poll, copy, forward, invoice, bot_api_call.
     */
    String kind();

    /** The send options (markup, silence, topic…). */
    SendOptions options();

    /** The same payload with other send options; validated like a new one. */
    Payload withOptions(SendOptions options);

    /** How many messages Telegram counts: 1, or the item count of an album. */
    default int messageCount() {
        return 1;
    }

    static Text text(String text) {
        return new Text(text, ParseMode.PLAIN);
    }

    static Text text(String text, ParseMode parseMode) {
        return new Text(text, parseMode);
    }

    /**
     * A text message of 1 to 4096 characters as Telegram counts them: after HTML / MarkdownV2 parsing, in UTF-16 code
     * units.
     */
    record Text(String text, ParseMode parseMode, SendOptions options) implements Payload {
        public Text {
            InvalidDeliveryException.required(text, "payload.text");
            InvalidDeliveryException.check(!text.isBlank(), "payload.text", "must not be empty (Telegram needs 1 to 4096 characters)");
            InvalidDeliveryException.required(parseMode, "payload.parseMode");
            int visible = VisibleText.length(text, parseMode);
            InvalidDeliveryException.check(visible <= MAX_TEXT_LENGTH, "payload.text",
                    "at most 4096 characters after entity parsing, was " + visible);
            options = PayloadRules.optionsOrDefault(options);
        }

        public Text(String text, ParseMode parseMode) {
            this(text, parseMode, SendOptions.defaults());
        }

        @Override
        public String kind() {
            return "text";
        }

        @Override
        public Text withOptions(SendOptions options) {
            return new Text(text, parseMode, options);
        }
    }

    /** The kinds of single media Telegram sends with sendPhoto, sendVideo, sendSticker, … */
    enum MediaKind {
        PHOTO, VIDEO, ANIMATION, DOCUMENT, AUDIO, STICKER, VOICE, VIDEO_NOTE;

        public String lowerName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Stickers and video notes have no caption. */
        public boolean hasCaption() {
            return this != STICKER && this != VIDEO_NOTE;
        }

        /** Photos, videos and animations can be hidden under a spoiler and show the caption above. */
        public boolean isVisual() {
            return this == PHOTO || this == VIDEO || this == ANIMATION;
        }
    }

    /**
     * One photo, video, animation, document, audio, sticker, voice note or video note, with an optional caption
     * ({@code null} for none, at most 1024 characters after entity parsing; stickers and video notes take none).
     *
     * @param hasSpoiler            cover a photo, video or animation with a spoiler animation
     * @param showCaptionAboveMedia show the caption above a photo, video or animation
     */
    record Media(MediaKind mediaKind, MediaSource source, String caption, ParseMode parseMode, boolean hasSpoiler,
                 boolean showCaptionAboveMedia, SendOptions options) implements Payload {
        public Media {
            InvalidDeliveryException.required(mediaKind, "payload.kind");
            InvalidDeliveryException.required(source, "payload.source");
            InvalidDeliveryException.required(parseMode, "payload.parseMode");
            PayloadRules.caption(caption, parseMode);
            if (caption != null && caption.isEmpty()) {
                caption = null;
            }
            PayloadRules.media(mediaKind, source, caption, hasSpoiler, showCaptionAboveMedia);
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
        }

        public Media(MediaKind mediaKind, MediaSource source, String caption, ParseMode parseMode) {
            this(mediaKind, source, caption, parseMode, false, false, SendOptions.defaults());
        }

        @Override
        public String kind() {
            return mediaKind.lowerName();
        }

        /** The same media without its caption. */
        public Media withoutCaption() {
            return new Media(mediaKind, source, null, parseMode, hasSpoiler, showCaptionAboveMedia, options);
        }

        public Media withCaption(String caption, ParseMode parseMode) {
            return new Media(mediaKind, source, caption, parseMode, hasSpoiler, showCaptionAboveMedia, options);
        }

        /** The same media under a spoiler. */
        public Media withSpoiler() {
            return new Media(mediaKind, source, caption, parseMode, true, showCaptionAboveMedia, options);
        }

        public Media withCaptionAboveMedia() {
            return new Media(mediaKind, source, caption, parseMode, hasSpoiler, true, options);
        }

        @Override
        public Media withOptions(SendOptions options) {
            return new Media(mediaKind, source, caption, parseMode, hasSpoiler, showCaptionAboveMedia, options);
        }
    }

    static Media photo(MediaSource source) {
        return new Media(MediaKind.PHOTO, source, null, ParseMode.PLAIN);
    }

    static Media photo(MediaSource source, String caption) {
        return new Media(MediaKind.PHOTO, source, caption, ParseMode.PLAIN);
    }

    static Media photo(MediaSource source, String caption, ParseMode parseMode) {
        return new Media(MediaKind.PHOTO, source, caption, parseMode);
    }

    static Media video(MediaSource source) {
        return new Media(MediaKind.VIDEO, source, null, ParseMode.PLAIN);
    }

    static Media video(MediaSource source, String caption) {
        return new Media(MediaKind.VIDEO, source, caption, ParseMode.PLAIN);
    }

    static Media video(MediaSource source, String caption, ParseMode parseMode) {
        return new Media(MediaKind.VIDEO, source, caption, parseMode);
    }

    static Media animation(MediaSource source, String caption) {
        return new Media(MediaKind.ANIMATION, source, caption, ParseMode.PLAIN);
    }

    static Media animation(MediaSource source, String caption, ParseMode parseMode) {
        return new Media(MediaKind.ANIMATION, source, caption, parseMode);
    }

    static Media document(MediaSource source) {
        return new Media(MediaKind.DOCUMENT, source, null, ParseMode.PLAIN);
    }

    static Media document(MediaSource source, String caption) {
        return new Media(MediaKind.DOCUMENT, source, caption, ParseMode.PLAIN);
    }

    static Media document(MediaSource source, String caption, ParseMode parseMode) {
        return new Media(MediaKind.DOCUMENT, source, caption, parseMode);
    }

    static Media audio(MediaSource source) {
        return new Media(MediaKind.AUDIO, source, null, ParseMode.PLAIN);
    }

    static Media audio(MediaSource source, String caption) {
        return new Media(MediaKind.AUDIO, source, caption, ParseMode.PLAIN);
    }

    static Media audio(MediaSource source, String caption, ParseMode parseMode) {
        return new Media(MediaKind.AUDIO, source, caption, parseMode);
    }

    static Media sticker(MediaSource source) {
        return new Media(MediaKind.STICKER, source, null, ParseMode.PLAIN);
    }

    static Media voice(MediaSource source) {
        return new Media(MediaKind.VOICE, source, null, ParseMode.PLAIN);
    }

    static Media voice(MediaSource source, String caption, ParseMode parseMode) {
        return new Media(MediaKind.VOICE, source, caption, parseMode);
    }

    static Media videoNote(MediaSource source) {
        return new Media(MediaKind.VIDEO_NOTE, source, null, ParseMode.PLAIN);
    }

    /** An album of 2 to 10 items; {@code caption} (may be null) goes on the first item, as Telegram shows it. */
    static Album album(String caption, Media... items) {
        return album(caption, ParseMode.PLAIN, items);
    }

    static Album album(String caption, ParseMode parseMode, Media... items) {
        List<Media> list = new ArrayList<>(List.of(items));
        if (caption != null && !list.isEmpty()) {
            list.set(0, list.get(0).withCaption(caption, parseMode));
        }
        return new Album(list);
    }

    /**
     * An album (Telegram's media group): 2 to 10 items; photos and videos may mix; documents only with documents;
     * audio only with audio; no animations, stickers, voice or video notes. Each item may carry a caption; Telegram
     * shows the first item's as the album's caption. The album's options apply to all items; items carry none of their
     * own, and an album takes no reply markup (sendMediaGroup has none).
     */
    record Album(List<Media> items, SendOptions options) implements Payload {
        public static final int MIN_ITEMS = 2;
        public static final int MAX_ITEMS = 10;

        public Album {
            InvalidDeliveryException.required(items, "payload.items");
            items = List.copyOf(items);
            PayloadRules.albumItems(items);
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.albumOptions(options);
        }

        public Album(List<Media> items) {
            this(items, SendOptions.defaults());
        }

        @Override
        public String kind() {
            return "album";
        }

        @Override
        public int messageCount() {
            return items.size();
        }

        @Override
        public Album withOptions(SendOptions options) {
            return new Album(items, options);
        }

        /**
         * What is left to send after the first {@code delivered} items arrived: an album of the rest, or a single media
         * if one item is left (Telegram refuses an album of one); either keeps the album's options.
         */
        public Payload remainingAfter(int delivered) {
            if (delivered <= 0) {
                return this;
            }
            if (delivered >= items.size()) {
                throw new IllegalArgumentException("all " + items.size() + " items were delivered");
            }
            List<Media> rest = items.subList(delivered, items.size());
            return rest.size() == 1 ? rest.get(0).withOptions(options) : new Album(rest, options);
        }
    }

    static Location location(double latitude, double longitude) {
        return new Location(latitude, longitude, null, SendOptions.defaults());
    }

    /**
     * A point on the map.
     *
     * @param horizontalAccuracy radius of uncertainty in metres, 0 to 1500, or {@code null}
     */
    record Location(double latitude, double longitude, Double horizontalAccuracy, SendOptions options) implements Payload {
        public Location {
            PayloadRules.coordinates(latitude, longitude);
            if (horizontalAccuracy != null) {
                InvalidDeliveryException.check(horizontalAccuracy >= 0 && horizontalAccuracy <= 1500,
                        "payload.horizontalAccuracy", "0 to 1500 metres, was " + horizontalAccuracy);
            }
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
        }

        @Override
        public String kind() {
            return "location";
        }

        @Override
        public Location withOptions(SendOptions options) {
            return new Location(latitude, longitude, horizontalAccuracy, options);
        }
    }

    static Venue venue(double latitude, double longitude, String title, String address) {
        return new Venue(latitude, longitude, title, address, SendOptions.defaults());
    }

    /** A place with a name and an address. */
    record Venue(double latitude, double longitude, String title, String address, SendOptions options) implements Payload {
        public Venue {
            PayloadRules.coordinates(latitude, longitude);
            PayloadRules.nonBlank(title, "payload.title");
            PayloadRules.nonBlank(address, "payload.address");
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
        }

        @Override
        public String kind() {
            return "venue";
        }

        @Override
        public Venue withOptions(SendOptions options) {
            return new Venue(latitude, longitude, title, address, options);
        }
    }

    static Contact contact(String phoneNumber, String firstName) {
        return new Contact(phoneNumber, firstName, null, SendOptions.defaults());
    }

    /** A phone contact; {@code lastName} may be null. */
    record Contact(String phoneNumber, String firstName, String lastName, SendOptions options) implements Payload {
        public Contact {
            PayloadRules.nonBlank(phoneNumber, "payload.phoneNumber");
            PayloadRules.nonBlank(firstName, "payload.firstName");
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
        }

        @Override
        public String kind() {
            return "contact";
        }

        @Override
        public Contact withOptions(SendOptions options) {
            return new Contact(phoneNumber, firstName, lastName, options);
        }
    }

    static Dice dice(String emoji) {
        return new Dice(emoji, SendOptions.defaults());
    }

    /** An animated emoji with a random value: one of 🎲 🎯 🏀 ⚽ 🎳 🎰. */
    record Dice(String emoji, SendOptions options) implements Payload {
        /** The emoji Telegram animates. */
        public static final Set<String> EMOJI = Set.of("🎲", "🎯", "🏀", "⚽", "🎳", "🎰");

        public Dice {
            InvalidDeliveryException.required(emoji, "payload.emoji");
            InvalidDeliveryException.check(EMOJI.contains(emoji), "payload.emoji", "one of " + EMOJI + ", was " + emoji);
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
        }

        @Override
        public String kind() {
            return "dice";
        }

        @Override
        public Dice withOptions(SendOptions options) {
            return new Dice(emoji, options);
        }
    }

    static Poll poll(String question, String... answers) {
        return new Poll(question, List.of(answers), true, false, SendOptions.defaults());
    }

    /**
     * A regular poll: a question of 1 to 300 characters and 2 to 12 answers of 1 to 100 characters each.
     *
     * @param anonymous       voters are not shown (Telegram's default)
     * @param multipleAnswers voters may pick several answers
     */
    record Poll(String question, List<String> answers, boolean anonymous, boolean multipleAnswers,
                SendOptions options) implements Payload {
        public static final int MAX_QUESTION_LENGTH = 300;
        public static final int MIN_ANSWERS = 2;
        public static final int MAX_ANSWERS = 12;
        public static final int MAX_ANSWER_LENGTH = 100;

        public Poll {
            PayloadRules.question(question);
            InvalidDeliveryException.required(answers, "payload.answers");
            answers = List.copyOf(answers);
            PayloadRules.answers(answers);
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
        }

        @Override
        public String kind() {
            return "poll";
        }

        @Override
        public Poll withOptions(SendOptions options) {
            return new Poll(question, answers, anonymous, multipleAnswers, options);
        }
    }

    static Copy copy(long fromChatId, long messageId) {
        return new Copy(fromChatId, messageId, null, ParseMode.PLAIN, false, SendOptions.defaults());
    }

    /**
     * Telegram's copyMessage: the message {@code messageId} of {@code fromChatId} sent again without a link to the
     * original, optionally with a new caption (at most 1024 characters after entity parsing; {@code null} keeps the
     * original's). Telegram answers only the new message's id. No business connection (copyMessage has none).
     */
    record Copy(long fromChatId, long messageId, String caption, ParseMode parseMode, boolean showCaptionAboveMedia,
                SendOptions options) implements Payload {
        public Copy {
            PayloadRules.sourceMessage(fromChatId, messageId);
            InvalidDeliveryException.required(parseMode, "payload.parseMode");
            PayloadRules.caption(caption, parseMode);
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.noLinkPreview(options);
            InvalidDeliveryException.check(options.businessConnectionId() == null, "payload.options.businessConnectionId",
                    "copyMessage cannot be sent on behalf of a business account");
        }

        @Override
        public String kind() {
            return "copy";
        }

        @Override
        public Copy withOptions(SendOptions options) {
            return new Copy(fromChatId, messageId, caption, parseMode, showCaptionAboveMedia, options);
        }

        public Copy withCaption(String caption, ParseMode parseMode) {
            return new Copy(fromChatId, messageId, caption, parseMode, showCaptionAboveMedia, options);
        }
    }

    static Forward forward(long fromChatId, long messageId) {
        return new Forward(fromChatId, messageId, SendOptions.defaults());
    }

    /**
     * Telegram's forwardMessage: the message shown as forwarded from its origin. forwardMessage takes only
     * {@code disable_notification}, {@code protect_content}, {@code message_thread_id} and {@code message_effect_id};
     * other options are refused here rather than silently dropped.
     */
    record Forward(long fromChatId, long messageId, SendOptions options) implements Payload {
        public Forward {
            PayloadRules.sourceMessage(fromChatId, messageId);
            options = PayloadRules.optionsOrDefault(options);
            InvalidDeliveryException.check(options.replyMarkup() == null && options.replyParameters() == null
                            && options.linkPreview() == null && options.businessConnectionId() == null,
                    "payload.options", "forwardMessage takes no reply markup, reply, link preview or business connection");
        }

        @Override
        public String kind() {
            return "forward";
        }

        @Override
        public Forward withOptions(SendOptions options) {
            return new Forward(fromChatId, messageId, options);
        }
    }

    /** One line of an invoice: a label and an amount in the currency's smallest units (may be negative: discounts). */
    record Price(String label, int amount) {
        public Price {
            PayloadRules.nonBlank(label, "payload.prices.label");
        }
    }

    static Invoice starsInvoice(String title, String description, String invoicePayload, int stars) {
        return new Invoice(title, description, invoicePayload, "XTR", List.of(new Price(title, stars)), null, null, null,
                SendOptions.defaults());
    }

    /**
     * Telegram's sendInvoice. Title 1–32 characters, description 1–255, payload 1–128 bytes, a three-letter currency,
     * at least one price with a positive total. In Telegram Stars ({@code XTR}) exactly one price and no provider token;
     * otherwise a provider token. Its keyboard, if any, is inline, and Telegram wants the pay button first.
     *
     * @param providerToken  the payment provider's token, {@code null} for Telegram Stars
     * @param startParameter deep-linking parameter, or {@code null}
     * @param photoUrl       product photo URL, or {@code null}
     */
    record Invoice(String title, String description, String invoicePayload, String currency, List<Price> prices,
                   String providerToken, String startParameter, String photoUrl, SendOptions options) implements Payload {
        public static final String STARS = "XTR";

        public Invoice {
            PayloadRules.invoiceText(title, description, invoicePayload, currency);
            InvalidDeliveryException.required(prices, "payload.prices");
            prices = List.copyOf(prices);
            PayloadRules.invoicePrices(prices, currency, providerToken);
            if (currency.equals(STARS)) {
                providerToken = null;
            }
            PayloadRules.photoUrl(photoUrl);
            options = PayloadRules.optionsOrDefault(options);
            PayloadRules.invoiceOptions(options);
        }

        @Override
        public String kind() {
            return "invoice";
        }

        @Override
        public Invoice withOptions(SendOptions options) {
            return new Invoice(title, description, invoicePayload, currency, prices, providerToken, startParameter,
                    photoUrl, options);
        }
    }

    /**
     * The escape hatch: any Bot API method that sends messages, as its name and its JSON parameters, for what the
     * kinds above do not cover. The sender sets {@code chat_id} to the delivery's chat (which may have migrated), so
     * the parameters' own {@code chat_id} is replaced. Options live in the parameters; {@link #options()} is always
     * the default. Built from a TelegramBots method by {@code sender-telegram}'s {@code TelegramDeliveries}, which
     * derives {@code messageCount} (an album's items) from the parameters. No uploads: files go by file_id or URL.
     *
     * @param method         the Bot API method name, e.g. {@code sendGame}
     * @param parametersJson the parameters as one JSON object (checked as JSON by the sender and the stores)
     * @param messageCount   how many messages Telegram counts for it, 1 to 10
     */
    record BotApiCall(String method, String parametersJson, int messageCount) implements Payload {
        /** Telegram's largest request body for JSON parameters is far above any message; this bounds a stored row. */
        public static final int MAX_PARAMETERS_LENGTH = 1 << 20;

        public BotApiCall {
            InvalidDeliveryException.required(method, "payload.method");
            InvalidDeliveryException.check(method.matches("[A-Za-z]{1,64}"), "payload.method",
                    "a Bot API method name (letters only), was " + method);
            InvalidDeliveryException.required(parametersJson, "payload.parameters");
            String trimmed = parametersJson.strip();
            InvalidDeliveryException.check(trimmed.startsWith("{") && trimmed.endsWith("}"), "payload.parameters",
                    "one JSON object");
            InvalidDeliveryException.check(trimmed.length() <= MAX_PARAMETERS_LENGTH, "payload.parameters",
                    "at most 1 MiB of JSON");
            InvalidDeliveryException.check(messageCount >= 1 && messageCount <= Album.MAX_ITEMS, "payload.messageCount",
                    "1 to 10, was " + messageCount);
            parametersJson = trimmed;
        }

        @Override
        public String kind() {
            return "bot_api_call";
        }

        @Override
        public SendOptions options() {
            return SendOptions.defaults();
        }

        /** Only the default options: a call carries its options in its parameters. */
        @Override
        public BotApiCall withOptions(SendOptions options) {
            InvalidDeliveryException.check(options == null || options.isDefault(), "payload.options",
                    "a Bot API call carries its options in its parameters");
            return this;
        }

        @Override
        public int messageCount() {
            return messageCount;
        }
    }
}
