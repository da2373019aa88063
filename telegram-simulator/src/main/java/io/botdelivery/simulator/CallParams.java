package io.botdelivery.simulator;

import java.util.Map;

/**
 * A call's parameters, whichever way they came (query string, JSON, form or multipart): JSON values that are not
 * strings are kept as their JSON text, so {@code media} and {@code prices} read the same in every encoding.
 */
final class CallParams {

    /** A file part of a multipart body. */
    record Upload(String fileName, byte[] content) {
    }

    private final Map<String, String> values;
    private final Map<String, Upload> uploads;

    CallParams(Map<String, String> values, Map<String, Upload> uploads) {
        this.values = Map.copyOf(values);
        this.uploads = Map.copyOf(uploads);
    }

    String get(String name) {
        return values.get(name);
    }

    boolean has(String name) {
        String v = values.get(name);
        return v != null && !v.isEmpty();
    }

    boolean flag(String name) {
        String v = values.get(name);
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    /** The chat id, or 0 if absent or not a number (for fault targeting and records). */
    long chatIdOrZero() {
        try {
            return Long.parseLong(values.getOrDefault("chat_id", "").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The chat id Telegram would use.
     *
     * @throws BotApiError "chat_id is empty", or "chat not found" for usernames and junk
     */
    long chatId() {
        String raw = values.get("chat_id");
        if (raw == null || raw.isBlank()) {
            throw BotApiError.badRequest("chat_id is empty");
        }
        try {
            long id = Long.parseLong(raw.trim());
            if (id == 0) {
                throw BotApiError.badRequest("chat not found");
            }
            return id;
        } catch (NumberFormatException e) {
            throw BotApiError.badRequest("chat not found");
        }
    }

    /** The file part named directly (e.g. {@code photo} uploaded as a file), or {@code null}. */
    Upload uploadNamed(String name) {
        return uploads.get(name);
    }

    /**
     * The upload an {@code attach://name} reference points to.
     *
     * @throws BotApiError if no such part was sent
     */
    Upload attached(String reference) {
        Upload upload = uploads.get(reference.substring("attach://".length()));
        if (upload == null) {
            throw BotApiError.badRequest("can't parse InputMedia: media not found");
        }
        return upload;
    }

    /** The non-file parameters as received (JSON values as JSON text), for the record. */
    Map<String, String> recordable() {
        return values;
    }

    int size() {
        return values.size() + uploads.size();
    }
}
