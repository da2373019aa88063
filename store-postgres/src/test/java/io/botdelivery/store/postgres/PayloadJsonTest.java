package io.botdelivery.store.postgres;

import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The stored payload format")
class PayloadJsonTest {

    @Nested
    @DisplayName("version 1")
    class Version1 {
        @Test
        @DisplayName("writes a text as a small readable object with its version")
        void textShape() {
            assertThat(PayloadJson.write(new Payload.Text("hi <b>there</b>", ParseMode.HTML)))
                    .isEqualTo("{\"v\":1,\"kind\":\"text\",\"text\":\"hi <b>there</b>\",\"parseMode\":\"HTML\"}");
        }

        @Test
        @DisplayName("writes uploaded bytes as base64 and reads them back equal")
        void bytes() throws Exception {
            Payload doc = Payload.document(MediaSource.bytes("r.txt", "paid ✓".getBytes(StandardCharsets.UTF_8)), "receipt");

            String json = PayloadJson.write(doc);

            assertThat(json).contains("\"type\":\"bytes\"").contains("\"base64\":\"cGFpZCDinJM=\"");
            assertThat(PayloadJson.read(json)).isEqualTo(doc);
        }

        @Test
        @DisplayName("round-trips an album with mixed sources and per-item captions")
        void album() throws Exception {
            Path file = Files.createTempFile("item", ".jpg");
            Files.write(file, new byte[] {1, 2, 3});
            Payload album = new Payload.Album(java.util.List.of(
                    new Payload.Media(Payload.MediaKind.PHOTO, MediaSource.fileId("AgAD"), "first", ParseMode.MARKDOWN_V2),
                    new Payload.Media(Payload.MediaKind.VIDEO, MediaSource.url("https://example.com/v.mp4"), null, ParseMode.PLAIN),
                    new Payload.Media(Payload.MediaKind.PHOTO, MediaSource.file(file), "third", ParseMode.PLAIN)));

            assertThat(PayloadJson.read(PayloadJson.write(album))).isEqualTo(album);
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("says precisely why a stored payload cannot be read")
    @CsvSource(delimiter = '|', value = {
            "a newer format version   | {\"v\": 2, \"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"PLAIN\"} | payload format version 2 is unknown",
            "no version at all        | {\"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"PLAIN\"}          | no format version",
            "not an object            | \"just a string\"                                                       | not a JSON object",
            "not JSON                 | {broken                                                                 | not valid JSON",
            "an unknown kind          | {\"v\": 1, \"kind\": \"sticker\", \"parseMode\": \"PLAIN\"}              | unknown payload kind \"sticker\"",
            "an unknown source type   | {\"v\": 1, \"kind\": \"photo\", \"source\": {\"type\": \"s3\"}, \"parseMode\": \"PLAIN\"} | unknown media source type \"s3\"",
            "bad base64               | {\"v\": 1, \"kind\": \"document\", \"source\": {\"type\": \"bytes\", \"fileName\": \"a\", \"base64\": \"%%%\"}, \"parseMode\": \"PLAIN\"} | not valid base64",
            "an unknown parse mode    | {\"v\": 1, \"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"BBCODE\"} | unknown parse mode \"BBCODE\"",
            "text Telegram refuses    | {\"v\": 1, \"kind\": \"text\", \"text\": \"  \", \"parseMode\": \"PLAIN\"} | no longer valid: payload.text",
            "an album of one          | {\"v\": 1, \"kind\": \"album\", \"items\": [{\"kind\": \"photo\", \"source\": {\"type\": \"file_id\", \"id\": \"a\"}, \"parseMode\": \"PLAIN\"}]} | an album has 2 to 10 items",
            "a file that is gone      | {\"v\": 1, \"kind\": \"document\", \"source\": {\"type\": \"file\", \"path\": \"/nonexistent/r.pdf\", \"fileName\": \"r.pdf\"}, \"parseMode\": \"PLAIN\"} | must be a readable file"
    })
    void unreadable(String description, String json, String reason) {
        assertThatThrownBy(() -> PayloadJson.read(json)).isInstanceOf(UnreadableDeliveryException.class).hasMessageContaining(reason);
    }
}
