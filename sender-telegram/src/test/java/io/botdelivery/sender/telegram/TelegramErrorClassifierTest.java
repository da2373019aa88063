package io.botdelivery.sender.telegram;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The Telegram error classifier")
class TelegramErrorClassifierTest {

    static List<Named<ErrorVectors>> vectors() {
        return ErrorVectors.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    @DisplayName("gives every vector of telegram-errors.json its class")
    void vectorClass(ErrorVectors v) {
        TelegramError error = TelegramErrorClassifier.classify(v.http(), v.body());
        assertThat(error.errorClass()).isEqualTo(v.expected());
        switch (v.expected()) {
            case RATE_LIMITED -> assertThat(error.retryAfterSeconds()).isEqualTo(v.retryAfterSeconds());
            case REDIRECT -> assertThat(error.migrateToChatId()).isEqualTo(v.newChatId());
            case PARTIAL_ALBUM -> {
                assertThat(error.failedItem()).isEqualTo(v.firstUndeliveredItem());
                assertThat(error.inner().errorClass()).isEqualTo(v.innerClass());
                if (v.innerClass() == TelegramErrorClass.RATE_LIMITED) {
                    assertThat(error.inner().retryAfterSeconds()).isEqualTo(v.retryAfterSeconds());
                }
            }
            default -> assertThat(error.httpStatus()).isEqualTo(v.http());
        }
    }

    @Test
    @DisplayName("covers every class of the file")
    void everyClassCovered() {
        assertThat(vectors()).extracting(n -> n.getPayload().expected()).containsAll(List.of(TelegramErrorClass.values()));
    }

    @Nested
    @DisplayName("beyond the vectors")
    class Beyond {
        @ParameterizedTest(name = "[{0}] {1} → {2}")
        @CsvSource(delimiter = '|', value = {
                "403 | Forbidden: bot can't initiate conversation with a user | PERMANENT_RECIPIENT",
                "400 | Bad Request: not enough rights to send text messages to the chat | PERMANENT_RECIPIENT",
                "400 | Bad Request: wrong remote file identifier specified: Wrong character in the string | STALE_FILE_ID",
                "400 | Bad Request: message to reply not found | PERMANENT_PAYLOAD",
                "409 | Conflict: terminated by other getUpdates request | TRANSIENT",
                "503 | Service Unavailable | TRANSIENT",
                "404 | Not Found | FATAL_CONFIG"})
        @DisplayName("classifies more of Telegram's texts")
        void moreTexts(int status, String description, TelegramErrorClass expected) {
            String body = "{\"ok\":false,\"error_code\":" + status + ",\"description\":\"" + description.replace("\"", "\\\"") + "\"}";
            assertThat(TelegramErrorClassifier.classify(status, body).errorClass()).isEqualTo(expected);
        }

        @Test
        @DisplayName("reads retry_after from the text when parameters lack it, and waits 5 s when neither says")
        void retryAfterFallbacks() {
            assertThat(TelegramErrorClassifier.classify(429, "{\"ok\":false,\"description\":\"Too Many Requests: retry after 12\"}")
                    .retryAfterSeconds()).isEqualTo(12);
            assertThat(TelegramErrorClassifier.classify(429, "{\"ok\":false,\"description\":\"Too Many Requests\"}")
                    .retryAfterSeconds()).isEqualTo(5);
        }

        @Test
        @DisplayName("classifies on the HTTP status and parameters, not on error_code")
        void statusNotErrorCode() {
            TelegramError error = TelegramErrorClassifier.classify(500,
                    "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");
            assertThat(error.errorClass()).isEqualTo(TelegramErrorClass.TRANSIENT);
            TelegramError migrated = TelegramErrorClassifier.classify(400,
                    "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: something new\",\"parameters\":{\"migrate_to_chat_id\":-100123}}");
            assertThat(migrated.errorClass()).isEqualTo(TelegramErrorClass.REDIRECT);
        }

        @Test
        @DisplayName("uses only the status for bodies that are not Telegram's JSON")
        void nonJson() {
            assertThat(TelegramErrorClassifier.classify(401, "<html>nope</html>").errorClass()).isEqualTo(TelegramErrorClass.FATAL_CONFIG);
            assertThat(TelegramErrorClassifier.classify(429, "slow down").errorClass()).isEqualTo(TelegramErrorClass.RATE_LIMITED);
            TelegramError gateway = TelegramErrorClassifier.classify(504, "<html><head><title>504 Gateway Time-out</title></head></html>");
            assertThat(gateway.errorClass()).isEqualTo(TelegramErrorClass.TRANSIENT);
            assertThat(gateway.description()).contains("504 Gateway Time-out");
        }

        @Test
        @DisplayName("classifies an album's inner errors by their text alone")
        void innerErrors() {
            assertThat(TelegramErrorClassifier.classifyText("Forbidden: bot was blocked by the user").errorClass())
                    .isEqualTo(TelegramErrorClass.PERMANENT_RECIPIENT);
            assertThat(TelegramErrorClassifier.classifyText("WEBPAGE_CURL_FAILED").errorClass())
                    .isEqualTo(TelegramErrorClass.TRANSIENT);
            assertThat(TelegramErrorClassifier.classifyText("MEDIA_CAPTION_TOO_LONG").errorClass())
                    .isEqualTo(TelegramErrorClass.PERMANENT_PAYLOAD);
        }
    }
}
