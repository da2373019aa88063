package io.botdelivery.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of logs, exception messages, outcome reasons and configuration errors. Every module of this
 * project masks through this one class, so a rule learned here (a new place a secret hides) holds everywhere.
 *
 * <ul>
 *   <li>A bot token ({@code 123456789:AAE…}) keeps its bot id and loses its secret: {@code 123456789:***}. That is
 *       enough to tell two bots apart and useless to an attacker. TelegramBots and OkHttp put the token in every
 *       request URL ({@code /bot<token>/sendMessage}), so any library message may carry one.</li>
 *   <li>A URL keeps its scheme, host, port and path and loses the password of its user info
 *       ({@code redis://admin:***@host:6379}) and the value of any {@code password=} query parameter (JDBC URLs).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe. {@code null} in, {@code null} out.
 */
public final class Redaction {
    /** A bot id (digits) and its secret part, as BotFather issues them. */
    private static final Pattern TOKEN = Pattern.compile("(\\d{3,20}):[A-Za-z0-9_-]{10,}");
    /** {@code scheme://user:password@} or {@code scheme://password@}: the part before the last {@code @}. */
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\\s]*)@");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;\\s]*");
    private static final String MASK = "***";

    private Redaction() {
    }

    /** The bot id only, e.g. {@code 123456:***}; a string that is not token-shaped becomes {@code ***}. */
    public static String maskToken(String token) {
        if (token == null) {
            return null;
        }
        int colon = token.indexOf(':');
        return (colon > 0 ? token.substring(0, colon) : "") + ":" + MASK;
    }

    /**
     * {@code text} with the given token, its secret part alone, and anything else shaped like a bot token masked.
     * Knowing the token catches it also where it does not look like one (e.g. URL-encoded around it).
     */
    public static String redact(String text, String token) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        if (token != null && !token.isEmpty()) {
            redacted = redacted.replace(token, maskToken(token));
            int colon = token.indexOf(':');
            if (colon > 0 && colon < token.length() - 1) {
                redacted = redacted.replace(token.substring(colon + 1), MASK);
            }
        }
        return redact(redacted);
    }

    /** {@code text} with anything shaped like a bot token and any password in a URL masked. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        return maskUrls(TOKEN.matcher(text).replaceAll("$1:" + MASK));
    }

    /**
     * Every URL in {@code text} with the password of its user info and any {@code password=} parameter masked:
     * {@code redis://admin:s3cret@host:6379/0} becomes {@code redis://admin:***@host:6379/0}, a user info with no
     * colon ({@code redis://s3cret@host}) is taken as a password, as Redis does.
     */
    public static String maskUrls(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = USER_INFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String userInfo = m.group(2);
            int colon = userInfo.indexOf(':');
            String masked = colon >= 0 ? userInfo.substring(0, colon) + ":" + MASK : MASK;
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + masked + "@"));
        }
        m.appendTail(out);
        return PASSWORD_PARAMETER.matcher(out).replaceAll("$1" + MASK);
    }
}
