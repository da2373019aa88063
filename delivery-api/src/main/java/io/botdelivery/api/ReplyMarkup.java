package io.botdelivery.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Telegram's {@code reply_markup}: an inline keyboard under the message, a custom reply keyboard, removing it, or a
 * forced reply. Sizes follow what Telegram accepts: an inline keyboard of at most 8 buttons a row and 100 in all, a
 * reply keyboard of at most 12 a row and 300 in all (larger ones are refused with {@code BUTTONS_TOO_MUCH} or
 * {@code REPLY_MARKUP_TOO_LONG}).
 */
public sealed interface ReplyMarkup
        permits ReplyMarkup.InlineKeyboard, ReplyMarkup.ReplyKeyboard, ReplyMarkup.RemoveKeyboard, ReplyMarkup.ForceReply {

    int MAX_INLINE_BUTTONS_PER_ROW = 8;
    int MAX_INLINE_BUTTONS = 100;
    int MAX_REPLY_BUTTONS_PER_ROW = 12;
    int MAX_REPLY_BUTTONS = 300;
    /** {@code callback_data}: 1 to 64 bytes of UTF-8. */
    int MAX_CALLBACK_DATA_BYTES = 64;
    /** {@code input_field_placeholder}: 1 to 64 characters. */
    int MAX_PLACEHOLDER_LENGTH = 64;

    /** A keyboard of one row. */
    static InlineKeyboard inlineRow(InlineButton... buttons) {
        return new InlineKeyboard(List.of(List.of(buttons)));
    }

    static InlineKeyboard inline(List<List<InlineButton>> rows) {
        return new InlineKeyboard(rows);
    }

    static RemoveKeyboard remove() {
        return new RemoveKeyboard(false);
    }

    static ForceReply forceReply() {
        return new ForceReply(null, false);
    }

    /** The button action Telegram allows on an inline button; a button has exactly one. */
    enum ActionType {
        URL("url"),
        CALLBACK_DATA("callback_data"),
        WEB_APP("web_app"),
        LOGIN_URL("login_url"),
        SWITCH_INLINE_QUERY("switch_inline_query"),
        SWITCH_INLINE_QUERY_CURRENT_CHAT("switch_inline_query_current_chat"),
        COPY_TEXT("copy_text"),
        PAY("pay");

        private final String telegramName;

        ActionType(String telegramName) {
            this.telegramName = telegramName;
        }

        /** The Bot API field that carries it. */
        public String telegramName() {
            return telegramName;
        }
    }

    /**
     * An inline button: its label and its one action. {@code value} is the URL, callback data, query text or text to
     * copy; for {@link ActionType#PAY} it is ignored and stored as "" (Telegram's {@code pay: true}).
     */
    record InlineButton(String text, ActionType action, String value) {
        public InlineButton {
            InvalidDeliveryException.required(text, "button.text");
            InvalidDeliveryException.check(!text.isBlank(), "button.text", "a button needs a label");
            InvalidDeliveryException.required(action, "button.action");
            if (action == ActionType.PAY) {
                value = "";
            }
            InvalidDeliveryException.required(value, "button." + action.telegramName());
            switch (action) {
                case CALLBACK_DATA -> {
                    int bytes = value.getBytes(StandardCharsets.UTF_8).length;
                    InvalidDeliveryException.check(bytes >= 1 && bytes <= MAX_CALLBACK_DATA_BYTES, "button.callback_data",
                            "1 to 64 bytes of UTF-8, was " + bytes);
                }
                case URL, WEB_APP, LOGIN_URL -> InvalidDeliveryException.check(value.startsWith("https://")
                                || (action == ActionType.URL && (value.startsWith("http://") || value.startsWith("tg://"))),
                        "button." + action.telegramName(), action == ActionType.URL ? "must start with http://, https:// or tg://"
                                : "must start with https:// (Telegram refuses other web app and login URLs)");
                case COPY_TEXT -> InvalidDeliveryException.check(!value.isEmpty() && value.length() <= 256,
                        "button.copy_text", "1 to 256 characters, was " + value.length());
                default -> {
                    // switch_inline_query may be empty: Telegram then opens the chat picker with only the bot's name
                }
            }
        }

        public static InlineButton url(String text, String url) {
            return new InlineButton(text, ActionType.URL, url);
        }

        public static InlineButton callback(String text, String data) {
            return new InlineButton(text, ActionType.CALLBACK_DATA, data);
        }

        public static InlineButton webApp(String text, String url) {
            return new InlineButton(text, ActionType.WEB_APP, url);
        }

        public static InlineButton switchInlineQuery(String text, String query) {
            return new InlineButton(text, ActionType.SWITCH_INLINE_QUERY, query);
        }

        public static InlineButton copyText(String text, String toCopy) {
            return new InlineButton(text, ActionType.COPY_TEXT, toCopy);
        }

        /** The pay button of an invoice; Telegram wants it first in the first row. */
        public static InlineButton pay(String text) {
            return new InlineButton(text, ActionType.PAY, "");
        }
    }

    /** An inline keyboard: rows of buttons, at most 8 a row and 100 in all. */
    record InlineKeyboard(List<List<InlineButton>> rows) implements ReplyMarkup {
        public InlineKeyboard {
            rows = checkRows(rows, MAX_INLINE_BUTTONS_PER_ROW, MAX_INLINE_BUTTONS);
        }
    }

    /** A reply keyboard button: a text to send, or asking for the user's contact or location. */
    record KeyboardButton(String text, Request request) {
        /** What pressing the button shares besides its text. */
        public enum Request { NONE, CONTACT, LOCATION }

        public KeyboardButton {
            InvalidDeliveryException.required(text, "button.text");
            InvalidDeliveryException.check(!text.isBlank(), "button.text", "a button needs a label");
            InvalidDeliveryException.required(request, "button.request");
        }

        public static KeyboardButton text(String text) {
            return new KeyboardButton(text, Request.NONE);
        }
    }

    /** A custom keyboard replacing the user's; at most 12 buttons a row and 300 in all. */
    record ReplyKeyboard(List<List<KeyboardButton>> rows, boolean persistent, boolean resize, boolean oneTime,
                         String inputFieldPlaceholder, boolean selective) implements ReplyMarkup {
        public ReplyKeyboard {
            rows = checkRows(rows, MAX_REPLY_BUTTONS_PER_ROW, MAX_REPLY_BUTTONS);
            checkPlaceholder(inputFieldPlaceholder);
        }

        public static ReplyKeyboard of(List<List<KeyboardButton>> rows) {
            return new ReplyKeyboard(rows, false, true, false, null, false);
        }
    }

    /** Removes the custom keyboard. */
    record RemoveKeyboard(boolean selective) implements ReplyMarkup {
    }

    /** Shows the reply interface, as if the user had tapped Reply. */
    record ForceReply(String inputFieldPlaceholder, boolean selective) implements ReplyMarkup {
        public ForceReply {
            checkPlaceholder(inputFieldPlaceholder);
        }
    }

    private static <B> List<List<B>> checkRows(List<List<B>> rows, int perRow, int total) {
        InvalidDeliveryException.required(rows, "payload.options.replyMarkup.rows");
        List<List<B>> copy = rows.stream().map(r -> {
            InvalidDeliveryException.required(r, "payload.options.replyMarkup.rows");
            return List.copyOf(r);
        }).toList();
        InvalidDeliveryException.check(!copy.isEmpty(), "payload.options.replyMarkup.rows", "a keyboard needs a row");
        int count = 0;
        for (int i = 0; i < copy.size(); i++) {
            int size = copy.get(i).size();
            InvalidDeliveryException.check(size >= 1 && size <= perRow, "payload.options.replyMarkup.rows[" + i + "]",
                    "1 to " + perRow + " buttons a row, was " + size);
            count += size;
        }
        InvalidDeliveryException.check(count <= total, "payload.options.replyMarkup.rows",
                "at most " + total + " buttons, was " + count);
        return copy;
    }

    private static void checkPlaceholder(String placeholder) {
        if (placeholder != null) {
            InvalidDeliveryException.check(!placeholder.isEmpty() && placeholder.length() <= MAX_PLACEHOLDER_LENGTH,
                    "payload.options.replyMarkup.inputFieldPlaceholder", "1 to 64 characters, was " + placeholder.length());
        }
    }
}
