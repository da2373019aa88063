package io.botdelivery.codec;

import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.SendOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The stored payload format")
class PayloadCodecTest {

    @Nested
    @DisplayName("version 1 rows, exactly as the version 1 code wrote them, still read")
    class Version1Rows {
        @Test
        @DisplayName("a text, a photo with a caption, uploaded bytes and an album")
        void readAsWritten() throws Exception {
            assertThat(PayloadCodec.read("{\"v\":1,\"kind\":\"text\",\"text\":\"hi <b>there</b>\",\"parseMode\":\"HTML\"}"))
                    .isEqualTo(new Payload.Text("hi <b>there</b>", ParseMode.HTML));
            assertThat(PayloadCodec.read("{\"v\":1,\"kind\":\"photo\",\"source\":{\"type\":\"file_id\",\"id\":\"AgAD\"},"
                    + "\"caption\":\"*new*\",\"parseMode\":\"MARKDOWN_V2\"}"))
                    .isEqualTo(Payload.photo(MediaSource.fileId("AgAD"), "*new*", ParseMode.MARKDOWN_V2));
            assertThat(PayloadCodec.read("{\"v\":1,\"kind\":\"document\",\"source\":{\"type\":\"bytes\",\"fileName\":\"r.txt\","
                    + "\"base64\":\"cGFpZCDinJM=\"},\"caption\":\"receipt\",\"parseMode\":\"PLAIN\"}"))
                    .isEqualTo(Payload.document(MediaSource.bytes("r.txt", "paid ✓".getBytes(StandardCharsets.UTF_8)), "receipt"));
            assertThat(PayloadCodec.read("{\"v\":1,\"kind\":\"album\",\"items\":[{\"kind\":\"photo\",\"source\":{\"type\":"
                    + "\"file_id\",\"id\":\"a\"},\"caption\":\"pack\",\"parseMode\":\"PLAIN\"},{\"kind\":\"video\",\"source\":"
                    + "{\"type\":\"url\",\"url\":\"https://example.com/v.mp4\"},\"parseMode\":\"PLAIN\"}]}"))
                    .isEqualTo(Payload.album("pack", Payload.photo(MediaSource.fileId("a")),
                            Payload.video(MediaSource.url("https://example.com/v.mp4"))));
        }

        @Test
        @DisplayName("a version 1 row of a kind version 1 never wrote is corrupt, not read as a new kind")
        void noNewKindsInVersion1() {
            assertThatThrownBy(() -> PayloadCodec.read("{\"v\":1,\"kind\":\"sticker\",\"source\":{\"type\":\"file_id\","
                    + "\"id\":\"s\"},\"parseMode\":\"PLAIN\"}"))
                    .isInstanceOf(UnreadablePayloadException.class).hasMessageContaining("in a version 1 row");
        }
    }

    @Nested
    @DisplayName("version 2")
    class Version2 {
        @Test
        @DisplayName("writes a text without options as a small readable object with its version")
        void textShape() {
            assertThat(PayloadCodec.write(new Payload.Text("hi <b>there</b>", ParseMode.HTML)))
                    .isEqualTo("{\"v\":2,\"kind\":\"text\",\"text\":\"hi <b>there</b>\",\"parseMode\":\"HTML\"}");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.botdelivery.codec.PayloadCodecTest#everyKindAndOption")
        @DisplayName("round-trips every kind and every option")
        void roundTrip(String name, Payload payload) throws Exception {
            assertThat(PayloadCodec.read(PayloadCodec.write(payload))).isEqualTo(payload);
        }

        @Test
        @DisplayName("writes uploaded bytes as base64 and reads them back equal")
        void bytes() throws Exception {
            Payload doc = Payload.document(MediaSource.bytes("r.txt", "paid ✓".getBytes(StandardCharsets.UTF_8)), "receipt");

            String json = PayloadCodec.write(doc);

            assertThat(json).contains("\"type\":\"bytes\"").contains("\"base64\":\"cGFpZCDinJM=\"");
            assertThat(PayloadCodec.read(json)).isEqualTo(doc);
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

            assertThat(PayloadCodec.read(PayloadCodec.write(album))).isEqualTo(album);
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> everyKindAndOption() {
        MediaSource file = MediaSource.fileId("AgAD");
        SendOptions all = SendOptions.builder()
                .replyMarkup(ReplyMarkup.inline(java.util.List.of(
                        java.util.List.of(ReplyMarkup.InlineButton.url("Open", "https://example.com"),
                                ReplyMarkup.InlineButton.callback("Buy ✓", "buy:42")),
                        java.util.List.of(ReplyMarkup.InlineButton.webApp("App", "https://example.com/app"),
                                ReplyMarkup.InlineButton.switchInlineQuery("Share", ""),
                                ReplyMarkup.InlineButton.copyText("Copy", "CODE-1"), ReplyMarkup.InlineButton.pay("Pay")))))
                .silent().protectContent().messageThreadId(17)
                .replyParameters(new SendOptions.ReplyParameters(5, -100123L, true, "quoted"))
                .businessConnectionId("biz-1").messageEffectId("5104841245755180586").build();
        SendOptions preview = all.toBuilder()
                .linkPreview(new SendOptions.LinkPreview(false, "https://example.com/p", false, true, true)).build();
        SendOptions replyKeyboard = SendOptions.builder().replyMarkup(new ReplyMarkup.ReplyKeyboard(java.util.List.of(
                java.util.List.of(ReplyMarkup.KeyboardButton.text("Yes"), new ReplyMarkup.KeyboardButton("Phone",
                        ReplyMarkup.KeyboardButton.Request.CONTACT)),
                java.util.List.of(new ReplyMarkup.KeyboardButton("Where", ReplyMarkup.KeyboardButton.Request.LOCATION))),
                true, true, true, "Pick one", true)).build();
        SendOptions remove = SendOptions.builder().replyMarkup(new ReplyMarkup.RemoveKeyboard(true)).build();
        SendOptions force = SendOptions.builder().replyMarkup(new ReplyMarkup.ForceReply("Your answer", true)).build();
        SendOptions albumOptions = all.toBuilder().replyMarkup(null).build();
        SendOptions noBusiness = all.toBuilder().businessConnectionId(null).build();
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.arguments("text with every option and a link preview",
                        Payload.text("<b>hi</b>", ParseMode.HTML).withOptions(preview)),
                org.junit.jupiter.params.provider.Arguments.arguments("text with a reply keyboard",
                        Payload.text("pick").withOptions(replyKeyboard)),
                org.junit.jupiter.params.provider.Arguments.arguments("text removing the keyboard", Payload.text("ok").withOptions(remove)),
                org.junit.jupiter.params.provider.Arguments.arguments("text forcing a reply", Payload.text("why?").withOptions(force)),
                org.junit.jupiter.params.provider.Arguments.arguments("photo with spoiler, caption above and every option",
                        Payload.photo(file, "*c*", ParseMode.MARKDOWN_V2).withSpoiler().withCaptionAboveMedia().withOptions(all)),
                org.junit.jupiter.params.provider.Arguments.arguments("sticker", Payload.sticker(file).withOptions(all)),
                org.junit.jupiter.params.provider.Arguments.arguments("voice", Payload.voice(file, "listen", ParseMode.PLAIN)),
                org.junit.jupiter.params.provider.Arguments.arguments("video note", Payload.videoNote(file)),
                org.junit.jupiter.params.provider.Arguments.arguments("album with options and a spoiler item",
                        Payload.album("pack", Payload.photo(file).withSpoiler(), Payload.video(file)).withOptions(albumOptions)),
                org.junit.jupiter.params.provider.Arguments.arguments("location", new Payload.Location(51.5, -0.12, 25.5, all)),
                org.junit.jupiter.params.provider.Arguments.arguments("location without accuracy", Payload.location(-33.9, 151.2)),
                org.junit.jupiter.params.provider.Arguments.arguments("venue", Payload.venue(48.85, 2.35, "Shop", "1 Rue X").withOptions(all)),
                org.junit.jupiter.params.provider.Arguments.arguments("contact", new Payload.Contact("+441234", "Ann", "Lee", all)),
                org.junit.jupiter.params.provider.Arguments.arguments("contact without last name", Payload.contact("+1", "Bo")),
                org.junit.jupiter.params.provider.Arguments.arguments("dice", Payload.dice("🎯").withOptions(all)),
                org.junit.jupiter.params.provider.Arguments.arguments("poll", new Payload.Poll("Which?",
                        java.util.List.of("a", "b", "c"), false, true, all)),
                org.junit.jupiter.params.provider.Arguments.arguments("copy with a new caption", new Payload.Copy(-1001234567890L,
                        42, "<i>again</i>", ParseMode.HTML, true, noBusiness)),
                org.junit.jupiter.params.provider.Arguments.arguments("copy keeping the caption", Payload.copy(7, 1)),
                org.junit.jupiter.params.provider.Arguments.arguments("forward", Payload.forward(-100, 9).withOptions(
                        SendOptions.builder().silent().protectContent().messageThreadId(3).messageEffectId("e").build())),
                org.junit.jupiter.params.provider.Arguments.arguments("invoice in stars with a pay button", Payload.starsInvoice(
                        "Pack", "Ten stickers", "pack-7", 50).withOptions(SendOptions.builder().replyMarkup(
                        ReplyMarkup.inlineRow(ReplyMarkup.InlineButton.pay("Pay 50 ⭐"))).protectContent().build())),
                org.junit.jupiter.params.provider.Arguments.arguments("invoice in euros with every field", new Payload.Invoice(
                        "Pack", "Ten stickers", "pack-7", "EUR", java.util.List.of(new Payload.Price("Pack", 500),
                        new Payload.Price("Discount", -100)), "provider-token", "start-7", "https://example.com/p.jpg", null)),
                org.junit.jupiter.params.provider.Arguments.arguments("Bot API call", new Payload.BotApiCall("sendGame",
                        "{\"chat_id\":5,\"game_short_name\":\"tetris\",\"reply_markup\":{\"inline_keyboard\":[[{\"text\":\"Play\",\"callback_game\":{}}]]}}",
                        1)));
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("says precisely why a stored payload cannot be read")
    @CsvSource(delimiter = '|', value = {
            "a newer format version   | {\"v\": 3, \"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"PLAIN\"} | payload format version 3 is unknown",
            "no version at all        | {\"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"PLAIN\"}          | no format version",
            "not an object            | \"just a string\"                                                       | not a JSON object",
            "not JSON                 | {broken                                                                 | not valid JSON",
            "an unknown kind          | {\"v\": 2, \"kind\": \"hologram\", \"parseMode\": \"PLAIN\"}             | unknown payload kind \"hologram\"",
            "an unknown button action | {\"v\": 2, \"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"PLAIN\", \"options\": {\"replyMarkup\": {\"type\": \"inline_keyboard\", \"rows\": [[{\"text\": \"b\", \"action\": \"teleport\", \"value\": \"x\"}]]}}} | unknown inline button action \"teleport\"",
            "callback data too long   | {\"v\": 2, \"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"PLAIN\", \"options\": {\"replyMarkup\": {\"type\": \"inline_keyboard\", \"rows\": [[{\"text\": \"b\", \"action\": \"callback_data\", \"value\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}]]}}} | no longer valid: button.callback_data",
            "an unknown source type   | {\"v\": 1, \"kind\": \"photo\", \"source\": {\"type\": \"s3\"}, \"parseMode\": \"PLAIN\"} | unknown media source type \"s3\"",
            "bad base64               | {\"v\": 1, \"kind\": \"document\", \"source\": {\"type\": \"bytes\", \"fileName\": \"a\", \"base64\": \"%%%\"}, \"parseMode\": \"PLAIN\"} | not valid base64",
            "an unknown parse mode    | {\"v\": 1, \"kind\": \"text\", \"text\": \"x\", \"parseMode\": \"BBCODE\"} | unknown parse mode \"BBCODE\"",
            "text Telegram refuses    | {\"v\": 1, \"kind\": \"text\", \"text\": \"  \", \"parseMode\": \"PLAIN\"} | no longer valid: payload.text",
            "an album of one          | {\"v\": 1, \"kind\": \"album\", \"items\": [{\"kind\": \"photo\", \"source\": {\"type\": \"file_id\", \"id\": \"a\"}, \"parseMode\": \"PLAIN\"}]} | an album has 2 to 10 items",
            "a file that is gone      | {\"v\": 1, \"kind\": \"document\", \"source\": {\"type\": \"file\", \"path\": \"/nonexistent/r.pdf\", \"fileName\": \"r.pdf\"}, \"parseMode\": \"PLAIN\"} | must be a readable file"
    })
    void unreadable(String description, String json, String reason) {
        assertThatThrownBy(() -> PayloadCodec.read(json)).isInstanceOf(UnreadablePayloadException.class).hasMessageContaining(reason);
    }
}
