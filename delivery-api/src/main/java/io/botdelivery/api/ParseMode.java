package io.botdelivery.api;

/** How Telegram should read text and captions. */
public enum ParseMode {
    PLAIN(null),
    HTML("HTML"),
    MARKDOWN_V2("MarkdownV2");

    private final String telegramName;

    ParseMode(String telegramName) {
        this.telegramName = telegramName;
    }

    /** The {@code parse_mode} value Telegram expects, or {@code null} for plain text. */
    public String telegramName() {
        return telegramName;
    }
}
