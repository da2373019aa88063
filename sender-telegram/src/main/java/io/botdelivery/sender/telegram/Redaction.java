package io.botdelivery.sender.telegram;

/** Keeps the bot token out of logs, exception messages and outcome reasons (TelegramBots puts it in every URL). */
final class Redaction {
    private Redaction() {
    }

    /** The bot id only, e.g. {@code 123456:***}: enough to tell bots apart, useless to an attacker. */
    static String maskedToken(String token) {
        int colon = token.indexOf(':');
        return (colon > 0 ? token.substring(0, colon) : "") + ":***";
    }

    /** {@code text} with every occurrence of the token (and of its secret part) replaced. */
    static String redact(String text, String token) {
        if (text == null || token.isEmpty()) {
            return text;
        }
        String redacted = text.replace(token, maskedToken(token));
        int colon = token.indexOf(':');
        if (colon > 0 && colon < token.length() - 1) {
            redacted = redacted.replace(token.substring(colon + 1), "***");
        }
        return redacted;
    }
}
