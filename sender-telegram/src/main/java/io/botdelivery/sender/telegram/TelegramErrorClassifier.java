package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Classifies Telegram's error answers on the HTTP status, {@code parameters} and the description text, never on
 * {@code error_code} alone (Telegram says it may change). Stateless and thread-safe.
 */
final class TelegramErrorClassifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RETRY_AFTER = Pattern.compile("retry after (\\d+)", Pattern.CASE_INSENSITIVE);
    /** The official server's album error: {@code failed to send message #N with the error message "<inner>"}. */
    private static final Pattern ALBUM = Pattern.compile(
            "failed to send message #(\\d+) with the error message \"(.*)\"\\s*$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** When Telegram does not say how long to wait after a 429. */
    static final long DEFAULT_RETRY_AFTER_SECONDS = 5;

    /** 400 descriptions that mean the recipient cannot receive (lower case fragments). */
    private static final List<String> RECIPIENT = List.of("chat not found", "peer_id_invalid", "user not found",
            "group chat was deactivated", "chat_write_forbidden", "user is deactivated", "bot was blocked",
            "bot was kicked", "not enough rights to send", "have no rights to send", "channel_private",
            "user_is_blocked", "chat_restricted", "need administrator rights", "bot is not a member",
            "input_user_deactivated", "user_deactivated", "chat_admin_required", "chat is deactivated");
    /** 400 descriptions that mean a file id is unknown or expired. */
    private static final List<String> STALE = List.of("wrong file identifier", "wrong remote file identifier",
            "file_reference_expired", "file reference expired", "wrong file_id", "invalid file_id",
            "file_id_invalid");
    /** 400 descriptions that are worth retrying: Telegram could not fetch a URL right now. */
    private static final List<String> TRANSIENT_400 = List.of("failed to get http url content", "webpage_curl_failed",
            "try again later");

    private TelegramErrorClassifier() {
    }

    /**
     * Classifies an error answer from its HTTP status and raw body (JSON or not).
     */
    static TelegramError classify(int httpStatus, String body) {
        JsonNode json = parse(body);
        if (json == null || !json.has("description")) {
            return classifyWithoutJson(httpStatus, body);
        }
        JsonNode parameters = json.path("parameters");
        Long retryAfter = parameters.has("retry_after") ? parameters.get("retry_after").asLong() : null;
        Long migrateTo = parameters.has("migrate_to_chat_id") ? parameters.get("migrate_to_chat_id").asLong() : null;
        return classify(httpStatus, json.get("description").asText(), retryAfter, migrateTo);
    }

    /**
     * Classifies an error from its parts.
     *
     * @param retryAfter {@code parameters.retry_after}, or {@code null}
     * @param migrateTo  {@code parameters.migrate_to_chat_id}, or {@code null}
     */
    static TelegramError classify(int httpStatus, String description, Long retryAfter, Long migrateTo) {
        String text = description == null ? "" : description;
        if (retryAfter != null || httpStatus == 429) {
            return rateLimited(httpStatus, text, retryAfter);
        }
        if (migrateTo != null && migrateTo != 0) {
            return new TelegramError(httpStatus, text, TelegramErrorClass.REDIRECT, 0, migrateTo, 0, null);
        }
        if (httpStatus == 401 || httpStatus == 404) {
            return TelegramError.of(httpStatus, text, TelegramErrorClass.FATAL_CONFIG);
        }
        if (httpStatus == 413) {
            return TelegramError.of(httpStatus, text, TelegramErrorClass.PERMANENT_PAYLOAD);
        }
        if (httpStatus >= 500) {
            return TelegramError.of(httpStatus, text, TelegramErrorClass.TRANSIENT);
        }
        Matcher album = ALBUM.matcher(text);
        if (album.find()) {
            int item = Integer.parseInt(album.group(1));
            TelegramError inner = classifyText(album.group(2));
            return new TelegramError(httpStatus, text, TelegramErrorClass.PARTIAL_ALBUM, 0, 0, Math.max(1, item), inner);
        }
        if (httpStatus == 403) {
            return TelegramError.of(httpStatus, text, TelegramErrorClass.PERMANENT_RECIPIENT);
        }
        if (httpStatus == 400) {
            return TelegramError.of(httpStatus, text, classOf400(text));
        }
        // 409, 420 and anything Telegram has not documented: retrying with backoff is the safe side
        return TelegramError.of(httpStatus, text, TelegramErrorClass.TRANSIENT);
    }

    /** An album's inner error: only its text is known (TDLib's message, e.g. "WEBPAGE_MEDIA_EMPTY"). */
    static TelegramError classifyText(String inner) {
        String lower = inner.toLowerCase(Locale.ROOT);
        if (lower.startsWith("too many requests") || RETRY_AFTER.matcher(inner).find()) {
            return rateLimited(0, inner, null);
        }
        if (lower.startsWith("forbidden")) {
            return TelegramError.of(0, inner, TelegramErrorClass.PERMANENT_RECIPIENT);
        }
        if (lower.startsWith("unauthorized")) {
            return TelegramError.of(0, inner, TelegramErrorClass.FATAL_CONFIG);
        }
        if (lower.startsWith("internal server error") || lower.startsWith("bad gateway")) {
            return TelegramError.of(0, inner, TelegramErrorClass.TRANSIENT);
        }
        return TelegramError.of(0, inner, classOf400(inner));
    }

    private static TelegramErrorClass classOf400(String description) {
        String lower = description.toLowerCase(Locale.ROOT);
        if (STALE.stream().anyMatch(lower::contains)) {
            return TelegramErrorClass.STALE_FILE_ID;
        }
        if (TRANSIENT_400.stream().anyMatch(lower::contains)) {
            return TelegramErrorClass.TRANSIENT;
        }
        if (RECIPIENT.stream().anyMatch(lower::contains)) {
            return TelegramErrorClass.PERMANENT_RECIPIENT;
        }
        return TelegramErrorClass.PERMANENT_PAYLOAD;
    }

    private static TelegramError rateLimited(int httpStatus, String text, Long retryAfter) {
        long seconds = retryAfter != null ? retryAfter : parsedRetryAfter(text);
        return new TelegramError(httpStatus, text, TelegramErrorClass.RATE_LIMITED, Math.max(1, seconds), 0, 0, null);
    }

    private static long parsedRetryAfter(String text) {
        Matcher m = RETRY_AFTER.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : DEFAULT_RETRY_AFTER_SECONDS;
    }

    /** A body that is not Telegram's JSON (e.g. an nginx page): only the status speaks. */
    private static TelegramError classifyWithoutJson(int httpStatus, String body) {
        String summary = "HTTP " + httpStatus + " with a non-JSON body" + title(body);
        TelegramErrorClass errorClass = switch (httpStatus) {
            case 401, 404 -> TelegramErrorClass.FATAL_CONFIG;
            case 413 -> TelegramErrorClass.PERMANENT_PAYLOAD;
            case 429 -> TelegramErrorClass.RATE_LIMITED;
            default -> TelegramErrorClass.TRANSIENT;
        };
        return errorClass == TelegramErrorClass.RATE_LIMITED ? rateLimited(httpStatus, summary, null)
                : TelegramError.of(httpStatus, summary, errorClass);
    }

    private static String title(String body) {
        if (body == null) {
            return "";
        }
        Matcher m = Pattern.compile("<title>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(body);
        return m.find() ? " (" + m.group(1).trim() + ")" : "";
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
