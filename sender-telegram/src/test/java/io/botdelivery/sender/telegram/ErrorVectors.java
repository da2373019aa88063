package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Named;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The error vectors of {@code telegram-errors.json} (kept in test resources so the tests are self-contained): Telegram's own answers with the class each must get.
 */
record ErrorVectors(int http, String body, String contentType, TelegramErrorClass expected, JsonNode vector) {

    static List<Named<ErrorVectors>> all() {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = ErrorVectors.class.getResourceAsStream("/telegram-errors.json")) {
            if (in == null) {
                throw new IllegalStateException("telegram-errors.json is missing from the test resources");
            }
            List<Named<ErrorVectors>> vectors = new ArrayList<>();
            for (JsonNode v : json.readTree(in).get("vectors")) {
                boolean isJson = v.has("body");
                String body = isJson ? json.writeValueAsString(v.get("body")) : v.get("body_text").asText();
                ErrorVectors vector = new ErrorVectors(v.get("http").asInt(), body,
                        isJson ? "application/json" : "text/html", TelegramErrorClass.valueOf(v.get("class").asText()), v);
                String text = isJson ? v.get("body").get("description").asText() : "non-JSON body";
                vectors.add(Named.of(vector.expected() + " ← [" + vector.http() + "] " + text, vector));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long retryAfterSeconds() {
        return vector.path("retry_after_s").asLong();
    }

    long newChatId() {
        return vector.path("new_chat_id").asLong();
    }

    int firstUndeliveredItem() {
        return vector.path("first_undelivered_item").asInt();
    }

    TelegramErrorClass innerClass() {
        return vector.has("inner_class") ? TelegramErrorClass.valueOf(vector.get("inner_class").asText()) : null;
    }
}
