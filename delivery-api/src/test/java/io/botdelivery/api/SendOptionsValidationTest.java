package io.botdelivery.api;

import io.botdelivery.api.ReplyMarkup.InlineButton;
import io.botdelivery.api.ReplyMarkup.KeyboardButton;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("Send options and the new kinds are checked against Telegram's rules when built")
class SendOptionsValidationTest {

    private static final MediaSource FILE = MediaSource.fileId("f");

    private static SendOptions markup(ReplyMarkup markup) {
        return SendOptions.builder().replyMarkup(markup).build();
    }

    private static List<List<InlineButton>> inlineRows(int rows, int perRow) {
        List<List<InlineButton>> all = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            all.add(Collections.nCopies(perRow, InlineButton.callback("b", "d")));
        }
        return all;
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("callback data of 65 bytes", (Executable) () -> InlineButton.callback("Buy", "x".repeat(65)),
                        "button.callback_data", "1 to 64 bytes"),
                arguments("callback data of 33 two-byte characters (66 bytes)",
                        (Executable) () -> InlineButton.callback("Buy", "é".repeat(33)), "button.callback_data", "was 66"),
                arguments("empty callback data", (Executable) () -> InlineButton.callback("Buy", ""),
                        "button.callback_data", "1 to 64 bytes"),
                arguments("a button without an action", (Executable) () -> new InlineButton("Buy", null, "x"),
                        "button.action", "required"),
                arguments("a button without a label", (Executable) () -> InlineButton.url(" ", "https://x.org"),
                        "button.text", "label"),
                arguments("a URL button with a relative URL", (Executable) () -> InlineButton.url("Open", "/shop"),
                        "button.url", "http"),
                arguments("a web app over plain http", (Executable) () -> InlineButton.webApp("Open", "http://x.org"),
                        "button.web_app", "https://"),
                arguments("an inline row of 9 buttons", (Executable) () -> ReplyMarkup.inline(inlineRows(1, 9)),
                        "payload.options.replyMarkup.rows[0]", "1 to 8 buttons"),
                arguments("an inline keyboard of 101 buttons", (Executable) () -> ReplyMarkup.inline(
                                Stream.concat(inlineRows(12, 8).stream(), inlineRows(1, 5).stream()).toList()),
                        "payload.options.replyMarkup.rows", "at most 100"),
                arguments("an empty row", (Executable) () -> ReplyMarkup.inline(List.of(List.of())),
                        "payload.options.replyMarkup.rows[0]", "1 to 8"),
                arguments("a reply keyboard row of 13", (Executable) () -> ReplyMarkup.ReplyKeyboard.of(
                                List.of(Collections.nCopies(13, KeyboardButton.text("k")))),
                        "payload.options.replyMarkup.rows[0]", "1 to 12"),
                arguments("a placeholder of 65 characters", (Executable) () -> new ReplyMarkup.ForceReply("p".repeat(65), false),
                        "payload.options.replyMarkup.inputFieldPlaceholder", "1 to 64"),
                arguments("topic 0", (Executable) () -> SendOptions.builder().messageThreadId(0).build(),
                        "payload.options.messageThreadId", "positive"),
                arguments("reply to message 0", (Executable) () -> SendOptions.builder().replyTo(0).build(),
                        "payload.options.replyParameters.messageId", "positive"),
                arguments("small and large preview media", (Executable) () -> new SendOptions.LinkPreview(false, null, true, true, false),
                        "payload.options.linkPreview", "not both"),
                arguments("a link preview on a photo", (Executable) () -> Payload.photo(FILE).withOptions(
                        SendOptions.builder().linkPreview(SendOptions.LinkPreview.disabledPreview()).build()),
                        "payload.options.linkPreview", "only a text message"),
                arguments("a keyboard on an album", (Executable) () -> Payload.album(null, Payload.photo(FILE), Payload.photo(FILE))
                                .withOptions(markup(ReplyMarkup.inlineRow(InlineButton.url("a", "https://a.org")))),
                        "payload.options.replyMarkup", "sendMediaGroup takes no reply markup"),
                arguments("an album item with its own options", (Executable) () -> Payload.album(null, Payload.photo(FILE),
                                Payload.photo(FILE).withOptions(SendOptions.builder().silent().build())),
                        "payload.items[1].options", "no options of their own"),
                arguments("a spoiler on a document", (Executable) () -> Payload.document(FILE).withSpoiler(),
                        "payload.hasSpoiler", "photo, video or animation"),
                arguments("caption above an audio", (Executable) () -> Payload.audio(FILE).withCaptionAboveMedia(),
                        "payload.showCaptionAboveMedia", "photo, video or animation"),
                arguments("a sticker with a caption", (Executable) () -> Payload.sticker(FILE).withCaption("hi", ParseMode.PLAIN),
                        "payload.caption", "no caption"),
                arguments("a video note by URL", (Executable) () -> Payload.videoNote(MediaSource.url("https://x.org/n.mp4")),
                        "payload.source", "by URL"),
                arguments("a voice note in an album", (Executable) () -> Payload.album(null, Payload.voice(FILE), Payload.voice(FILE)),
                        "payload.items[0]", "cannot be sent in an album"),
                arguments("latitude 91", (Executable) () -> Payload.location(91, 0), "payload.latitude", "-90 to 90"),
                arguments("longitude -181", (Executable) () -> Payload.location(0, -181), "payload.longitude", "-180 to 180"),
                arguments("accuracy of 1501 m", (Executable) () -> new Payload.Location(1, 1, 1501.0, null),
                        "payload.horizontalAccuracy", "0 to 1500"),
                arguments("a venue without an address", (Executable) () -> Payload.venue(1, 1, "Shop", " "),
                        "payload.address", "blank"),
                arguments("a contact without a first name", (Executable) () -> Payload.contact("+100", ""),
                        "payload.firstName", "blank"),
                arguments("a die Telegram does not animate", (Executable) () -> Payload.dice("🍕"), "payload.emoji", "one of"),
                arguments("a poll with one answer", (Executable) () -> Payload.poll("Which?", "only"),
                        "payload.answers", "2 to 12"),
                arguments("a poll with 13 answers", (Executable) () -> Payload.poll("Which?",
                        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"), "payload.answers", "2 to 12"),
                arguments("a poll answer of 101 characters", (Executable) () -> Payload.poll("Which?", "a", "b".repeat(101)),
                        "payload.answers[1]", "1 to 100"),
                arguments("a poll question of 301 characters", (Executable) () -> Payload.poll("q".repeat(301), "a", "b"),
                        "payload.question", "1 to 300"),
                arguments("a copy from chat 0", (Executable) () -> Payload.copy(0, 5), "payload.fromChatId", "not be 0"),
                arguments("a copy of message 0", (Executable) () -> Payload.copy(1, 0), "payload.messageId", "positive"),
                arguments("a copy with a caption of 1025", (Executable) () -> Payload.copy(1, 2).withCaption("c".repeat(1025),
                        ParseMode.PLAIN), "payload.caption", "at most 1024"),
                arguments("a forward with a keyboard", (Executable) () -> Payload.forward(1, 2).withOptions(
                                markup(ReplyMarkup.inlineRow(InlineButton.url("a", "https://a.org")))),
                        "payload.options", "forwardMessage takes no reply markup"),
                arguments("a paid broadcast of a forward", (Executable) () -> DeliveryRequest.builder(5, Payload.forward(1, 2))
                        .allowPaidBroadcast(true).build(), "allowPaidBroadcast", "copy the message instead"),
                arguments("an invoice title of 33", (Executable) () -> Payload.starsInvoice("t".repeat(33), "d", "p", 5),
                        "payload.title", "1 to 32"),
                arguments("an invoice payload of 129 bytes", (Executable) () -> Payload.starsInvoice("t", "d", "p".repeat(129), 5),
                        "payload.invoicePayload", "1 to 128 bytes"),
                arguments("an invoice of 0 stars", (Executable) () -> Payload.starsInvoice("t", "d", "p", 0),
                        "payload.prices", "positive"),
                arguments("a stars invoice with two prices", (Executable) () -> new Payload.Invoice("t", "d", "p", "XTR",
                        List.of(new Payload.Price("a", 1), new Payload.Price("b", 1)), null, null, null, null),
                        "payload.prices", "exactly one price"),
                arguments("a euro invoice without a provider token", (Executable) () -> new Payload.Invoice("t", "d", "p", "EUR",
                        List.of(new Payload.Price("a", 100)), null, null, null, null), "payload.providerToken", "required for EUR"),
                arguments("a lower-case currency", (Executable) () -> new Payload.Invoice("t", "d", "p", "eur",
                        List.of(new Payload.Price("a", 100)), "tok", null, null, null), "payload.currency", "three-letter"),
                arguments("an invoice with a reply keyboard", (Executable) () -> Payload.starsInvoice("t", "d", "p", 5)
                                .withOptions(markup(ReplyMarkup.ReplyKeyboard.of(List.of(List.of(KeyboardButton.text("k")))))),
                        "payload.options.replyMarkup", "only an inline keyboard"),
                arguments("a Bot API call with a bad method name", (Executable) () -> new Payload.BotApiCall("send message",
                        "{}", 1), "payload.method", "letters only"),
                arguments("a Bot API call whose parameters are not an object", (Executable) () -> new Payload.BotApiCall(
                        "sendGame", "[1]", 1), "payload.parameters", "one JSON object"),
                arguments("a Bot API call counting 11 messages", (Executable) () -> new Payload.BotApiCall(
                        "sendMediaGroup", "{}", 11), "payload.messageCount", "1 to 10"),
                arguments("a Bot API call given options", (Executable) () -> new Payload.BotApiCall("sendGame", "{}", 1)
                        .withOptions(SendOptions.builder().silent().build()), "payload.options", "in its parameters"),
                arguments("HTML text of 4097 visible characters", (Executable) () -> Payload.text("<b>" + "x".repeat(4097) + "</b>",
                        ParseMode.HTML), "payload.text", "after entity parsing, was 4097"),
                arguments("a MarkdownV2 caption of 1025 visible characters", (Executable) () -> Payload.photo(FILE,
                        "*" + "c".repeat(1025) + "*", ParseMode.MARKDOWN_V2), "payload.caption", "was 1025"));
    }

    @ParameterizedTest(name = "{0} is refused, naming {2}")
    @MethodSource("invalid")
    void refused(String name, Executable build, String field, String rule) {
        InvalidDeliveryException e = catchThrowableOfType(InvalidDeliveryException.class, build::execute);
        assertThat(e).as(name).isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.rule()).contains(rule);
    }

    @Nested
    @DisplayName("what Telegram accepts is accepted")
    class Accepted {
        @Test
        @DisplayName("an inline keyboard of 8 a row and 100 in all, callback data of exactly 64 bytes")
        void keyboardLimitsAreInclusive() {
            ReplyMarkup.InlineKeyboard keyboard = ReplyMarkup.inline(
                    Stream.concat(inlineRows(12, 8).stream(), inlineRows(1, 4).stream()).toList());
            assertThat(keyboard.rows()).hasSize(13);
            assertThat(InlineButton.callback("Buy", "é".repeat(32)).value()).hasSize(32);
            assertThat(InlineButton.pay("Pay").value()).isEmpty();
        }

        @Test
        @DisplayName("a text of 4096 visible characters wrapped in HTML tags and entities is accepted")
        void htmlCountsVisibleText() {
            String html = "<b>" + "x".repeat(4090) + "</b><a href=\"https://example.com/long/url\">&lt;&gt;&amp;</a>&#128512;";
            Payload.Text text = Payload.text(html, ParseMode.HTML);
            assertThat(html.length()).isGreaterThan(4096);
            assertThat(VisibleText.length(html, ParseMode.HTML)).isEqualTo(4090 + 3 + 2);
            assertThat(text.parseMode()).isEqualTo(ParseMode.HTML);
        }

        @Test
        @DisplayName("MarkdownV2: escapes count once, formatting and link URLs count nothing")
        void markdownCountsVisibleText() {
            assertThat(VisibleText.length("*bold* \\. [link](https://example.com/x)", ParseMode.MARKDOWN_V2))
                    .isEqualTo("bold . link".length());
            String caption = "_" + "c".repeat(1022) + "_[ab](https://example.com/a/long/path)";
            assertThat(Payload.photo(FILE, caption, ParseMode.MARKDOWN_V2).caption()).isEqualTo(caption);
        }

        @Test
        @DisplayName("every payload carries options, defaults unless given, and withOptions keeps the content")
        void optionsOnEveryPayload() {
            SendOptions options = SendOptions.builder().silent().protectContent().messageThreadId(7).replyTo(3)
                    .businessConnectionId("bc").messageEffectId("5104841245755180586")
                    .replyMarkup(ReplyMarkup.inlineRow(InlineButton.url("Open", "https://example.com"))).build();
            List<Payload> payloads = List.of(Payload.text("hi"), Payload.photo(FILE).withSpoiler(), Payload.sticker(FILE),
                    Payload.location(1, 2), Payload.venue(1, 2, "t", "a"), Payload.contact("+1", "A"),
                    Payload.dice("🎲"), Payload.poll("q", "a", "b"));
            SendOptions noBusiness = options.toBuilder().businessConnectionId(null).build();
            SendOptions forwardable = SendOptions.builder().silent().protectContent().messageThreadId(7)
                    .messageEffectId("5104841245755180586").build();
            List<Object[]> cases = new ArrayList<>();
            payloads.forEach(p -> cases.add(new Object[] {p, options}));
            cases.add(new Object[] {Payload.copy(-100, 5), noBusiness});
            cases.add(new Object[] {Payload.starsInvoice("Pack", "Ten stickers", "pack-7", 50), noBusiness});
            cases.add(new Object[] {Payload.forward(-100, 5), forwardable});
            for (Object[] c : cases) {
                Payload p = (Payload) c[0];
                SendOptions o = (SendOptions) c[1];
                assertThat(p.options()).isEqualTo(SendOptions.defaults());
                Payload with = p.withOptions(o);
                assertThat(with.options()).isEqualTo(o);
                assertThat(with.withOptions(SendOptions.defaults())).isEqualTo(p);
            }
        }

        @Test
        @DisplayName("what is left of an album keeps the album's options")
        void remainingKeepsOptions() {
            SendOptions silent = SendOptions.builder().silent().build();
            Payload.Album album = Payload.album(null, Payload.photo(FILE), Payload.photo(FILE), Payload.video(FILE))
                    .withOptions(silent);
            assertThat(album.remainingAfter(1).options()).isEqualTo(silent);
            assertThat(album.remainingAfter(2).options()).isEqualTo(silent);
        }
    }
}
