package io.botdelivery.api;

/**
 * The length Telegram checks its 4096 / 1024 limits against: the text left after entity parsing, in UTF-16 code units.
 * Markup is not validated here (a malformed tag is Telegram's "can't parse entities", a permanent failure the sender
 * reports); this only avoids refusing a message Telegram would accept because its tags made the raw string long.
 */
final class VisibleText {
    private VisibleText() {
    }

    static int length(String text, ParseMode mode) {
        return switch (mode) {
            case PLAIN -> text.length();
            case HTML -> html(text);
            case MARKDOWN_V2 -> markdownV2(text);
        };
    }

    /** Tags count nothing; {@code &lt;}, {@code &amp;}, {@code &#N;}… count as the character they stand for. */
    private static int html(String text) {
        int length = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '<') {
                int end = text.indexOf('>', i);
                if (end < 0) {
                    return length + text.length() - i;
                }
                i = end + 1;
            } else if (c == '&') {
                int end = text.indexOf(';', i);
                String entity = end < 0 ? "" : text.substring(i + 1, end);
                int units = entityUnits(entity);
                if (units == 0) {
                    length++;
                    i++;
                } else {
                    length += units;
                    i = end + 1;
                }
            } else {
                length++;
                i++;
            }
        }
        return length;
    }

    /** UTF-16 units of the character an HTML entity names, or 0 if it is not one Telegram decodes. */
    private static int entityUnits(String entity) {
        if (entity.equals("lt") || entity.equals("gt") || entity.equals("amp") || entity.equals("quot")) {
            return 1;
        }
        try {
            int codePoint;
            if (entity.matches("#[0-9]{1,7}")) {
                codePoint = Integer.parseInt(entity.substring(1));
            } else if (entity.matches("#[xX][0-9a-fA-F]{1,6}")) {
                codePoint = Integer.parseInt(entity.substring(2), 16);
            } else {
                return 0;
            }
            return Character.isValidCodePoint(codePoint) ? Character.charCount(codePoint) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Escaped characters count once; the formatting characters {@code * _ ~ ` | [ ] ( ) >} and a link's
     * {@code (url)} count nothing; the {@code !} of a custom emoji {@code ![👍](tg://emoji?id=…)} counts nothing.
     */
    private static int markdownV2(String text) {
        int length = 0;
        boolean inLinkUrl = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 < text.length()) {
                    i++;
                    length++;
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
            if (c == '!' && i + 1 < text.length() && text.charAt(i + 1) == '[') {
                continue;
            }
            if ("*_~`[]()>|".indexOf(c) < 0) {
                length++;
            }
        }
        return length;
    }
}
