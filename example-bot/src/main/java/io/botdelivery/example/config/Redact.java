package io.botdelivery.example.config;

import java.util.regex.Pattern;

/**
 * Removes anything shaped like a bot token from text bound for a log or a reply: a library's exception message may
 * carry a request URL, and a Bot API URL carries the token ({@code /bot123456:AAE.../sendMessage}).
 */
public final class Redact {
    private static final Pattern TOKEN = Pattern.compile("\\d{3,20}:[A-Za-z0-9_-]{10,}");

    private Redact() {
    }

    public static String tokens(String text) {
        return text == null ? null : TOKEN.matcher(text).replaceAll("<token>");
    }
}
