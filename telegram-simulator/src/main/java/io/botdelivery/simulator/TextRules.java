package io.botdelivery.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;

/**
 * Telegram's checks on message text and captions: lengths (counted on the text left after parsing the markup, in
 * UTF-16 code units as Telegram does) and the HTML / MarkdownV2 markup itself, with Telegram's error texts.
 */
final class TextRules {
    static final int MAX_TEXT = 4096;
    static final int MAX_CAPTION = 1024;

    private static final Set<String> HTML_TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
            "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji");
    /** Characters MarkdownV2 reserves that have no formatting meaning of their own: they must be escaped. */
    private static final String MARKDOWN_RESERVED = ".!-=+#{}";

    private TextRules() {
    }

    /** Checks a message text; throws Telegram's 400 when it would refuse it. */
    static void checkText(String text, String parseMode) {
        if (text == null || text.isEmpty()) {
            throw BotApiError.badRequest("message text is empty");
        }
        String visible = visibleText(text, parseMode);
        if (visible.isBlank()) {
            throw BotApiError.badRequest("message text is empty");
        }
        if (visible.length() > MAX_TEXT) {
            throw BotApiError.badRequest("message is too long");
        }
    }

    /** Checks a caption (may be null); throws Telegram's 400 when it would refuse it. */
    static void checkCaption(String caption, String parseMode) {
        if (caption == null || caption.isEmpty()) {
            return;
        }
        if (visibleText(caption, parseMode).length() > MAX_CAPTION) {
            throw BotApiError.badRequest("message caption is too long");
        }
    }

    /** The text a reader sees, after the markup is parsed; throws "can't parse entities" on bad markup. */
    static String visibleText(String text, String parseMode) {
        if (parseMode == null || parseMode.isEmpty()) {
            return text;
        }
        return switch (parseMode.toLowerCase(Locale.ROOT)) {
            case "html" -> parseHtml(text);
            case "markdownv2" -> parseMarkdownV2(text);
            case "markdown" -> text.replaceAll("[*_`\\[\\]]", "");
            default -> throw BotApiError.badRequest("unsupported parse_mode");
        };
    }

    private static String parseHtml(String text) {
        StringBuilder visible = new StringBuilder(text.length());
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '<') {
                int end = text.indexOf('>', i);
                if (end < 0) {
                    throw entities("Unclosed start tag at byte offset " + byteOffset(text, i));
                }
                String tag = text.substring(i + 1, end).trim();
                boolean closing = tag.startsWith("/");
                String name = (closing ? tag.substring(1) : tag).split("[\\s/]", 2)[0].toLowerCase(Locale.ROOT);
                if (!HTML_TAGS.contains(name)) {
                    throw entities("Unsupported " + (closing ? "end" : "start") + " tag \"" + name + "\" at byte offset "
                            + byteOffset(text, i));
                }
                if (closing) {
                    if (open.isEmpty() || !open.peek().equals(name)) {
                        throw entities("Unmatched end tag at byte offset " + byteOffset(text, i) + ", expected \"</"
                                + (open.isEmpty() ? "" : open.peek()) + ">\", found \"</" + name + ">\"");
                    }
                    open.pop();
                } else {
                    open.push(name);
                }
                i = end + 1;
            } else if (c == '&') {
                int end = text.indexOf(';', i);
                String entity = end < 0 ? "" : text.substring(i + 1, end);
                if (!(entity.equals("lt") || entity.equals("gt") || entity.equals("amp") || entity.equals("quot")
                        || entity.matches("#\\d{1,7}|#x[0-9a-fA-F]{1,6}"))) {
                    visible.append(c);
                    i++;
                    continue;
                }
                visible.append('x');
                i = end + 1;
            } else {
                visible.append(c);
                i++;
            }
        }
        if (!open.isEmpty()) {
            throw entities("Can't find end tag corresponding to start tag \"" + open.peek() + "\"");
        }
        return visible.toString();
    }

    private static String parseMarkdownV2(String text) {
        StringBuilder visible = new StringBuilder(text.length());
        boolean inLinkUrl = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 < text.length()) {
                    visible.append(text.charAt(++i));
                }
                continue;
            }
            if (inLinkUrl) {
                inLinkUrl = c != ')';
                continue;
            }
            if (c == '(' && i > 0 && text.charAt(i - 1) == ']') {
                inLinkUrl = true;
                continue;
            }
            if (MARKDOWN_RESERVED.indexOf(c) >= 0) {
                throw entities("Character '" + c + "' is reserved and must be escaped with the preceding '\\'");
            }
            if ("*_~`[]()>|".indexOf(c) < 0) {
                visible.append(c);
            }
        }
        return visible.toString();
    }

    private static BotApiError entities(String detail) {
        return BotApiError.badRequest("can't parse entities: " + detail);
    }

    private static int byteOffset(String text, int charIndex) {
        return text.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length;
    }
}
