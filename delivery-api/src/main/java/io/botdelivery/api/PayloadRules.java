package io.botdelivery.api;

import io.botdelivery.api.Payload.Media;
import io.botdelivery.api.Payload.MediaKind;
import io.botdelivery.api.Payload.Poll;
import io.botdelivery.api.Payload.Price;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Telegram's input rules the {@link Payload} records check in their constructors, each throwing
 * {@link InvalidDeliveryException} naming the field and the rule. Kept apart from the records so that
 * {@code Payload.java} reads as the model; the records still decide what they normalize (an empty caption to none, a
 * copy of a list, default options) and in which order the rules are checked.
 */
final class PayloadRules {
    private PayloadRules() {
    }

    /** A caption, if any, of at most {@value Payload#MAX_CAPTION_LENGTH} characters after entity parsing. */
    static void caption(String caption, ParseMode parseMode) {
        if (caption != null) {
            int visible = VisibleText.length(caption, parseMode);
            InvalidDeliveryException.check(visible <= Payload.MAX_CAPTION_LENGTH, "payload.caption",
                    "at most 1024 characters after entity parsing, was " + visible);
        }
    }

    /** What each kind of media takes: a caption, a spoiler, the caption above; a photo's size; a video note's source. */
    static void media(MediaKind mediaKind, MediaSource source, String caption, boolean hasSpoiler,
                      boolean showCaptionAboveMedia) {
        InvalidDeliveryException.check(caption == null || mediaKind.hasCaption(), "payload.caption",
                "a " + mediaKind.lowerName() + " has no caption");
        InvalidDeliveryException.check(!hasSpoiler || mediaKind.isVisual(), "payload.hasSpoiler",
                "only a photo, video or animation can have a spoiler");
        InvalidDeliveryException.check(!showCaptionAboveMedia || mediaKind.isVisual(), "payload.showCaptionAboveMedia",
                "only a photo, video or animation shows its caption above");
        if (mediaKind == MediaKind.PHOTO) {
            InvalidDeliveryException.check(source.uploadSize() <= MediaSource.MAX_PHOTO_UPLOAD_BYTES, "payload.source",
                    "a photo upload is at most 10 MB (Telegram's limit); send it as a document instead");
        }
        InvalidDeliveryException.check(mediaKind != MediaKind.VIDEO_NOTE || !(source instanceof MediaSource.Url),
                "payload.source", "Telegram does not fetch video notes by URL; upload it or use a file_id");
    }

    /** 2 to 10 items; photos and videos may mix, documents and audio only with their own kind; no options of their own. */
    static void albumItems(List<Media> items) {
        InvalidDeliveryException.check(items.size() >= Payload.Album.MIN_ITEMS && items.size() <= Payload.Album.MAX_ITEMS,
                "payload.items", "an album has 2 to 10 items, was " + items.size());
        MediaKind first = items.get(0).mediaKind();
        for (int i = 0; i < items.size(); i++) {
            Media item = items.get(i);
            MediaKind kind = item.mediaKind();
            String field = "payload.items[" + i + "]";
            InvalidDeliveryException.check(kind != MediaKind.ANIMATION, field, "animations cannot be sent in an album");
            InvalidDeliveryException.check(kind != MediaKind.STICKER && kind != MediaKind.VOICE
                    && kind != MediaKind.VIDEO_NOTE, field, kind.lowerName() + " cannot be sent in an album");
            boolean visual = kind == MediaKind.PHOTO || kind == MediaKind.VIDEO;
            boolean firstVisual = first == MediaKind.PHOTO || first == MediaKind.VIDEO;
            InvalidDeliveryException.check(visual ? firstVisual : kind == first, field,
                    "photos and videos may mix; documents go only with documents and audio only with audio ("
                            + first.lowerName() + " and " + kind.lowerName() + " given)");
            InvalidDeliveryException.check(item.options().isDefault(), field + ".options",
                    "album items carry no options of their own; give them to the album");
        }
    }

    /** sendMediaGroup takes no reply markup and no link preview. */
    static void albumOptions(SendOptions options) {
        InvalidDeliveryException.check(options.replyMarkup() == null, "payload.options.replyMarkup",
                "Telegram's sendMediaGroup takes no reply markup; send the keyboard in a message of its own");
        noLinkPreview(options);
    }

    static void question(String question) {
        nonBlank(question, "payload.question");
        InvalidDeliveryException.check(question.length() <= Poll.MAX_QUESTION_LENGTH, "payload.question",
                "1 to 300 characters, was " + question.length());
    }

    static void answers(List<String> answers) {
        InvalidDeliveryException.check(answers.size() >= Poll.MIN_ANSWERS && answers.size() <= Poll.MAX_ANSWERS,
                "payload.answers", "a poll has 2 to 12 answers, was " + answers.size());
        for (int i = 0; i < answers.size(); i++) {
            String answer = answers.get(i);
            InvalidDeliveryException.check(!answer.isBlank() && answer.length() <= Poll.MAX_ANSWER_LENGTH,
                    "payload.answers[" + i + "]", "1 to 100 characters, was " + answer.length());
        }
    }

    /** Title 1–32 characters, description 1–255, payload 1–128 bytes, a three-letter currency. */
    static void invoiceText(String title, String description, String invoicePayload, String currency) {
        nonBlank(title, "payload.title");
        InvalidDeliveryException.check(title.length() <= 32, "payload.title", "1 to 32 characters, was " + title.length());
        nonBlank(description, "payload.description");
        InvalidDeliveryException.check(description.length() <= 255, "payload.description",
                "1 to 255 characters, was " + description.length());
        InvalidDeliveryException.required(invoicePayload, "payload.invoicePayload");
        int bytes = invoicePayload.getBytes(StandardCharsets.UTF_8).length;
        InvalidDeliveryException.check(bytes >= 1 && bytes <= 128, "payload.invoicePayload",
                "1 to 128 bytes, was " + bytes);
        InvalidDeliveryException.required(currency, "payload.currency");
        InvalidDeliveryException.check(currency.matches("[A-Z]{3}"), "payload.currency",
                "a three-letter ISO 4217 code in capitals, was " + currency);
    }

    /** A positive total; in Telegram Stars one price and no provider token, otherwise a provider token. */
    static void invoicePrices(List<Price> prices, String currency, String providerToken) {
        InvalidDeliveryException.check(!prices.isEmpty(), "payload.prices", "at least one price");
        long total = prices.stream().mapToLong(Price::amount).sum();
        InvalidDeliveryException.check(total > 0, "payload.prices", "the total must be positive, was " + total);
        if (currency.equals(Payload.Invoice.STARS)) {
            InvalidDeliveryException.check(prices.size() == 1, "payload.prices",
                    "an invoice in Telegram Stars has exactly one price");
            InvalidDeliveryException.check(providerToken == null || providerToken.isEmpty(), "payload.providerToken",
                    "an invoice in Telegram Stars has no provider token");
        } else {
            InvalidDeliveryException.check(providerToken != null && !providerToken.isBlank(), "payload.providerToken",
                    "required for " + currency + " (only Telegram Stars need none)");
        }
    }

    static void photoUrl(String photoUrl) {
        if (photoUrl != null) {
            InvalidDeliveryException.check(photoUrl.startsWith("http://") || photoUrl.startsWith("https://"),
                    "payload.photoUrl", "must start with http:// or https://");
        }
    }

    /** No link preview; an inline keyboard at most; not on behalf of a business account. */
    static void invoiceOptions(SendOptions options) {
        noLinkPreview(options);
        InvalidDeliveryException.check(options.replyMarkup() == null
                        || options.replyMarkup() instanceof ReplyMarkup.InlineKeyboard,
                "payload.options.replyMarkup", "an invoice takes only an inline keyboard");
        InvalidDeliveryException.check(options.businessConnectionId() == null, "payload.options.businessConnectionId",
                "sendInvoice cannot be sent on behalf of a business account");
    }

    static void sourceMessage(long fromChatId, long messageId) {
        InvalidDeliveryException.check(fromChatId != 0, "payload.fromChatId", "must not be 0");
        InvalidDeliveryException.check(messageId > 0 && messageId <= Integer.MAX_VALUE, "payload.messageId",
                "a message id is positive, was " + messageId);
    }

    static SendOptions optionsOrDefault(SendOptions options) {
        return options == null ? SendOptions.defaults() : options;
    }

    /** Only sendMessage takes link_preview_options. */
    static void noLinkPreview(SendOptions options) {
        InvalidDeliveryException.check(options.linkPreview() == null, "payload.options.linkPreview",
                "only a text message has a link preview");
    }

    static void coordinates(double latitude, double longitude) {
        InvalidDeliveryException.check(latitude >= -90 && latitude <= 90, "payload.latitude",
                "-90 to 90, was " + latitude);
        InvalidDeliveryException.check(longitude >= -180 && longitude <= 180, "payload.longitude",
                "-180 to 180, was " + longitude);
    }

    static void nonBlank(String value, String field) {
        InvalidDeliveryException.required(value, field);
        InvalidDeliveryException.check(!value.isBlank(), field, "must not be blank");
    }
}
