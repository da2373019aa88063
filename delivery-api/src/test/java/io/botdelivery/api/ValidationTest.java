package io.botdelivery.api;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("Telegram's input rules are checked when a request is built")
class ValidationTest {

    static Payload.Media photo(String id) {
        return Payload.photo(MediaSource.fileId(id));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("empty text", (Executable) () -> Payload.text(" "), "payload.text", "must not be empty"),
                arguments("text of 4097 characters", (Executable) () -> Payload.text("x".repeat(4097)), "payload.text", "at most 4096"),
                arguments("caption of 1025 characters", (Executable) () -> Payload.photo(MediaSource.fileId("a"), "c".repeat(1025)),
                        "payload.caption", "at most 1024"),
                arguments("album of one item", (Executable) () -> Payload.album(null, photo("a")), "payload.items", "2 to 10"),
                arguments("album of eleven items", (Executable) () -> Payload.album(null, photo("1"), photo("2"), photo("3"), photo("4"),
                        photo("5"), photo("6"), photo("7"), photo("8"), photo("9"), photo("10"), photo("11")), "payload.items", "2 to 10"),
                arguments("document mixed with a photo", (Executable) () -> Payload.album(null, photo("a"),
                        Payload.document(MediaSource.fileId("d"))), "payload.items[1]", "documents go only with documents"),
                arguments("audio mixed with a document", (Executable) () -> Payload.album(null, Payload.audio(MediaSource.fileId("a")),
                        Payload.document(MediaSource.fileId("d"))), "payload.items[1]", "audio only with audio"),
                arguments("animation in an album", (Executable) () -> Payload.album(null, photo("a"),
                        Payload.animation(MediaSource.fileId("g"), null)), "payload.items[1]", "animations cannot"),
                arguments("photo upload over 10 MB", (Executable) () -> Payload.photo(MediaSource.bytes("big.jpg", new byte[10 * 1024 * 1024 + 1])),
                        "payload.source", "at most 10 MB"),
                arguments("upload over 50 MB", (Executable) () -> MediaSource.bytes("huge.bin", new byte[50 * 1024 * 1024 + 1]),
                        "source.content", "at most 50 MB"),
                arguments("URL that is not http", (Executable) () -> MediaSource.url("ftp://example.com/a.jpg"), "source.url", "http"),
                arguments("file that does not exist", (Executable) () -> MediaSource.file(Path.of("/nonexistent/receipt.pdf")),
                        "source.path", "readable file"),
                arguments("chat id 0", (Executable) () -> DeliveryRequest.builder(0, Payload.text("hi")).build(), "chatId", "not be 0"),
                arguments("blank idempotency key", (Executable) () -> DeliveryRequest.builder(1, Payload.text("hi")).idempotencyKey(" ").build(),
                        "idempotencyKey", "blank"),
                arguments("malformed delivery id", (Executable) () -> DeliveryId.parse("order-7"), "deliveryId", "UUID"));
    }

    @ParameterizedTest(name = "{0} is refused, naming {2}")
    @MethodSource("invalid")
    void refused(String name, Executable build, String field, String rule) {
        InvalidDeliveryException e = catchThrowableOfType(InvalidDeliveryException.class, build::execute);
        assertThat(e).as(name).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.rule()).contains(rule);
        assertThat(e.getMessage()).startsWith(field + ": ");
    }

    @Nested
    @DisplayName("what Telegram accepts is accepted")
    class Accepted {
        @Test
        @DisplayName("text of 4096 characters, caption of 1024, albums of 2 and 10, photos mixed with videos")
        void limitsAreInclusive() {
            assertThatCode(() -> {
                Payload.text("x".repeat(4096));
                Payload.photo(MediaSource.fileId("a"), "c".repeat(1024));
                Payload.album(null, photo("a"), Payload.video(MediaSource.url("https://example.com/v.mp4")));
                Payload.album("ten", photo("1"), photo("2"), photo("3"), photo("4"), photo("5"), photo("6"), photo("7"),
                        photo("8"), photo("9"), photo("10"));
                Payload.album(null, Payload.audio(MediaSource.fileId("a")), Payload.audio(MediaSource.fileId("b")));
            }).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("an album's caption goes on its first item and its weight is its item count")
        void albumCaptionAndWeight() {
            Payload.Album album = Payload.album("the pack", photo("a"), photo("b"), photo("c"));
            assertThat(album.items().get(0).caption()).isEqualTo("the pack");
            assertThat(album.items().get(1).caption()).isNull();
            assertThat(album.messageCount()).isEqualTo(3);
        }

        @Test
        @DisplayName("what is left of an album after a partial failure: the rest, or the last item alone")
        void remaining() {
            Payload.Album album = Payload.album(null, photo("a"), photo("b"), photo("c"));
            assertThat(album.remainingAfter(1)).isEqualTo(new Payload.Album(album.items().subList(1, 3)));
            assertThat(album.remainingAfter(2)).isEqualTo(album.items().get(2));
            assertThat(album.remainingAfter(0)).isSameAs(album);
        }

        @Test
        @DisplayName("a request gets defaults: random idempotency key, NORMAL priority, RETRY on ambiguous outcomes")
        void defaults() throws Exception {
            Path file = Files.createTempFile("validation", ".pdf");
            Files.writeString(file, "pdf");
            DeliveryRequest r = DeliveryRequest.builder(-100, Payload.document(MediaSource.file(file))).build();
            assertThat(r.priority()).isEqualTo(Priority.NORMAL);
            assertThat(r.onAmbiguous()).isEqualTo(AmbiguousOutcomePolicy.RETRY);
            assertThat(r.idempotencyKey().value()).isNotBlank();
            assertThat(r.isGroupChat()).isTrue();
            assertThat(r.toBuilder().build()).isEqualTo(r);
        }

        @Test
        @DisplayName("uploaded bytes are copied in and out, so the request cannot change after validation")
        void bytesAreCopied() {
            byte[] content = {1, 2, 3};
            MediaSource.Bytes bytes = MediaSource.bytes("a.bin", content);
            content[0] = 9;
            bytes.content()[1] = 9;
            assertThat(bytes.content()).containsExactly(1, 2, 3);
            assertThat(bytes).isEqualTo(MediaSource.bytes("a.bin", new byte[] {1, 2, 3}));
        }
    }
}
