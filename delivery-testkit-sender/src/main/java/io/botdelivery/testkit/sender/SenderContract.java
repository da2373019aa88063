package io.botdelivery.testkit.sender;

import com.fasterxml.jackson.databind.JsonNode;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.SendOptions;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link Sender} must do, checked against a {@link TelegramSimulator}. An adapter's test extends this class
 * and says how to build its sender:
 *
 * <pre>{@code
 * class TelegramSenderContractTest extends SenderContract {
 *     @Override protected Sender createSender(Target target) { return new TelegramSender(...target...); }
 *     @Override protected Set<Capability> capabilities() { return EnumSet.allOf(Capability.class); }
 * }
 * }</pre>
 *
 * Behaviour beyond the port's core is gated by {@link Capability}: a sender that does not declare one shows those
 * tests as skipped, never as passed. The simulator runs on a {@link MutableClock}, so its rate limits only bite where a
 * test means them to.
 */
public abstract class SenderContract extends SenderContractFixture {

    /** Optional behaviour a sender may declare. */
    public enum Capability {
        /** Uploads files from bytes or a path. */
        UPLOADS,
        /** Sends albums (media groups). */
        ALBUMS,
        /** Sends a repeated upload by its file_id, and falls back to the upload when Telegram calls the id stale. */
        FILE_ID_CACHE,
        /** Passes {@code allow_paid_broadcast} through. */
        PAID_BROADCAST,
        /** Sends every {@link SendOptions} (markup, silence, protection, topic, reply, preview, business, effect). */
        SEND_OPTIONS,
        /** Sends stickers, voice and video notes, locations, venues, contacts, dice, polls, copies, forwards and invoices. */
        MORE_KINDS
    }

    /**
     * Where the sender must send: the simulator's base URL and token, and the read timeout it should use (tests of
     * lost answers need a short one).
     */
    public record Target(URI apiUrl, String token, Duration readTimeout) {
    }

    @Nested
    @DisplayName("delivering")
    class Delivering {
        @Test
        @DisplayName("a text arrives once and comes back Delivered with its message id")
        void text() {
            SendOutcome outcome = send(1001, Payload.text("hello"));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(((SendOutcome.Delivered) outcome).messageIds()).containsExactly(1L);
            assertThat(telegram.record().contentsIn(1001)).containsExactly("hello");
        }

        @Test
        @DisplayName("media by URL arrives with its caption")
        void mediaByUrl() {
            SendOutcome outcome = send(1002, Payload.video(MediaSource.url("https://cdn.example.com/v.mp4"), "watch"));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(1002)).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo("video");
                assertThat(m.text()).isEqualTo("watch");
                assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.URL);
            });
        }

        @Test
        @DisplayName("an upload of bytes arrives as an upload")
        void upload() {
            require(Capability.UPLOADS);
            SendOutcome outcome = send(1003, Payload.document(bytes("invoice.pdf"), "your invoice"));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(1003)).singleElement().satisfies(m -> {
                assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.UPLOAD);
                assertThat(m.fileName()).isEqualTo("invoice.pdf");
            });
        }

        @Test
        @DisplayName("an album arrives whole, its message ids in item order")
        void albumArrives() {
            require(Capability.ALBUMS);
            SendOutcome outcome = send(-1004, album(3));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(((SendOutcome.Delivered) outcome).messageIds()).containsExactly(1L, 2L, 3L);
            assertThat(telegram.record().contentsIn(-1004)).containsExactly("item 1", "item 2", "item 3");
        }

        @Test
        @DisplayName("a paid broadcast reaches Telegram flagged as one")
        void paidBroadcast() {
            require(Capability.PAID_BROADCAST);
            SendOutcome outcome = sender.send(new SendRequest(DeliveryId.random(), 1005, Payload.text("sale"), true, 1));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(1005)).singleElement()
                    .satisfies(m -> assertThat(m.paidBroadcast()).isTrue());
        }

        @Test
        @DisplayName("concurrent sends to different chats all arrive")
        void concurrent() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<CompletableFuture<SendOutcome>> outcomes = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    long chat = 2000 + i;
                    outcomes.add(CompletableFuture.supplyAsync(() -> send(chat, Payload.text("to " + chat)), pool));
                }
                for (CompletableFuture<SendOutcome> outcome : outcomes) {
                    assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Delivered.class);
                }
                assertThat(telegram.record().accepted()).hasSize(25);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("classifying Telegram's answers")
    class Classifying {
        @Test
        @DisplayName("a 429 is RetryAfter with Telegram's retry_after, in the chat's scope")
        void rateLimited() {
            send(3001, Payload.text("first"));
            SendOutcome outcome = send(3001, Payload.text("too soon"));
            assertThat(outcome).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(1), LimitScope.chat(3001)));
        }

        @Test
        @DisplayName("a blocked user is a permanent recipient failure")
        void blocked() {
            telegram.chats().block(3002);
            assertThat(send(3002, Payload.text("x"))).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT));
        }

        @Test
        @DisplayName("a migrated group is a Redirect to the supergroup")
        void migrated() {
            telegram.chats().migrate(-3003, -1003003);
            assertThat(send(-3003, Payload.text("x"))).isEqualTo(new SendOutcome.Redirect(-1003003));
        }

        @Test
        @DisplayName("content Telegram refuses is a permanent payload failure")
        void payload() {
            SendOutcome outcome = send(3004, new Payload.Text("<b>never closed", io.botdelivery.api.ParseMode.HTML));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
        }

        @Test
        @DisplayName("a wrong token is a fatal configuration failure")
        void wrongToken() {
            Sender wrong = createSender(new Target(telegram.baseUrl(), "123456:wrongTokenWrongTokenWrong", Duration.ofSeconds(5)));
            senders.add(wrong);
            SendOutcome outcome = wrong.send(new SendRequest(DeliveryId.random(), 3005, Payload.text("x"), false, 1));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.FATAL_CONFIG));
        }

        @Test
        @DisplayName("a 5xx, with or without a JSON body, is transient")
        void serverErrors() {
            telegram.faults().next(Fault.serverError(), Fault.nonJsonServerError(502));
            assertThat(send(3006, Payload.text("x"))).isInstanceOf(SendOutcome.Transient.class);
            assertThat(send(3007, Payload.text("y"))).isInstanceOf(SendOutcome.Transient.class);
            assertThat(telegram.record().accepted()).isEmpty();
        }

        @Test
        @DisplayName("an album failing at item N is a PartialAlbum of N - 1 delivered items with the inner error classified")
        void partialAlbum() {
            require(Capability.ALBUMS);
            telegram.faults().next(Fault.partialAlbum(3, "WEBPAGE_MEDIA_EMPTY"));
            SendOutcome outcome = send(-3008, album(4));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.PartialAlbum.class, p -> {
                assertThat(p.deliveredItems()).isEqualTo(2);
                assertThat(p.cause()).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                        c -> assertThat(c.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
            });
        }
    }

    @Nested
    @DisplayName("on network failures")
    class Network {
        @Test
        @DisplayName("a refused connection is transient: nothing was sent")
        void refused() throws IOException {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            Sender offline = sender(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(5));
            SendOutcome outcome = offline.send(new SendRequest(DeliveryId.random(), 4001, Payload.text("x"), false, 1));
            assertThat(outcome).isInstanceOf(SendOutcome.Transient.class);
        }

        @Test
        @DisplayName("a connection dropped after Telegram accepted the message is ambiguous")
        void droppedAfterAccept() {
            telegram.faults().next(Fault.dropAfterAccept());
            assertThat(send(4002, Payload.text("x"))).isInstanceOf(SendOutcome.Ambiguous.class);
            assertThat(telegram.record().acceptedIn(4002)).hasSize(1);
        }

        @Test
        @DisplayName("an answer slower than the read timeout is ambiguous")
        void readTimeout() {
            Sender impatient = sender(telegram.baseUrl(), Duration.ofMillis(300));
            telegram.faults().next(Fault.latency(Duration.ofMillis(1500)));
            SendOutcome outcome = impatient.send(new SendRequest(DeliveryId.random(), 4003, Payload.text("x"), false, 1));
            assertThat(outcome).isInstanceOf(SendOutcome.Ambiguous.class);
        }

        @Test
        @DisplayName("a connection dropped without an answer is never reported as transient")
        void droppedIsNeverTransient() {
            telegram.faults().next(Fault.dropBeforeAccept());
            // the client cannot tell whether Telegram acted: the request was written
            assertThat(send(4004, Payload.text("x"))).isInstanceOf(SendOutcome.Ambiguous.class);
        }
    }

    @Nested
    @DisplayName("with a file_id cache")
    class FileIds {
        @Test
        @DisplayName("a second delivery of the same upload is sent by its file_id")
        void reusesFileId() {
            require(Capability.FILE_ID_CACHE);
            MediaSource.Bytes photo = bytes("pack.jpg");
            assertThat(send(5001, Payload.photo(photo))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(5002, Payload.photo(photo))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().accepted()).extracting(AcceptedMessage::origin)
                    .containsExactly(AcceptedMessage.Origin.UPLOAD, AcceptedMessage.Origin.FILE_ID);
        }

        @Test
        @DisplayName("a stale cached file_id falls back to uploading the original once")
        void staleFallsBack() {
            require(Capability.FILE_ID_CACHE);
            MediaSource.Bytes photo = bytes("pack.jpg");
            send(5003, Payload.photo(photo));
            telegram.files().forgetAll();
            SendOutcome outcome = send(5004, Payload.photo(photo));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(5004)).singleElement()
                    .satisfies(m -> assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.UPLOAD));
            assertThat(telegram.record().rejected()).singleElement()
                    .satisfies(r -> assertThat(r.description()).contains("wrong file identifier"));
        }

        @Test
        @DisplayName("a stale file_id the caller gave is a permanent payload failure")
        void callersStaleId() {
            SendOutcome outcome = send(5005, Payload.photo(MediaSource.fileId("no-such-file")));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
        }
    }

    @Nested
    @DisplayName("with send options")
    class Options {
        @Test
        @DisplayName("an inline keyboard reaches Telegram button for button, with every option of the message")
        void inlineKeyboardAndEveryOption() {
            require(Capability.SEND_OPTIONS);
            SendOptions options = SendOptions.builder()
                    .replyMarkup(ReplyMarkup.inline(List.of(
                            List.of(ReplyMarkup.InlineButton.url("Open", "https://example.com/shop"),
                                    ReplyMarkup.InlineButton.callback("Buy", "buy:42")),
                            List.of(ReplyMarkup.InlineButton.copyText("Code", "SPRING"),
                                    ReplyMarkup.InlineButton.switchInlineQuery("Share", "")))))
                    .silent().protectContent().messageThreadId(12)
                    .replyParameters(new SendOptions.ReplyParameters(1, null, true, null))
                    .linkPreview(new SendOptions.LinkPreview(false, "https://example.com/p", true, false, true))
                    .businessConnectionId("biz-7").messageEffectId("5104841245755180586").build();
            SendOutcome outcome = send(6001, Payload.text("<b>Sale</b>", ParseMode.HTML).withOptions(options));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            AcceptedMessage m = telegram.record().acceptedIn(6001).get(0);
            JsonNode rows = m.jsonParameter("reply_markup").get("inline_keyboard");
            assertThat(rows.at("/0/0/text").asText()).isEqualTo("Open");
            assertThat(rows.at("/0/0/url").asText()).isEqualTo("https://example.com/shop");
            assertThat(rows.at("/0/1/callback_data").asText()).isEqualTo("buy:42");
            assertThat(rows.at("/1/0/copy_text/text").asText()).isEqualTo("SPRING");
            assertThat(rows.at("/1/1/switch_inline_query").asText()).isEmpty();
            assertThat(m.flag("disable_notification")).isTrue();
            assertThat(m.flag("protect_content")).isTrue();
            assertThat(m.parameter("message_thread_id")).isEqualTo("12");
            assertThat(m.jsonParameter("reply_parameters").path("message_id").asInt()).isEqualTo(1);
            assertThat(m.jsonParameter("reply_parameters").path("allow_sending_without_reply").asBoolean()).isTrue();
            assertThat(m.jsonParameter("link_preview_options").path("url").asText()).isEqualTo("https://example.com/p");
            assertThat(m.jsonParameter("link_preview_options").path("prefer_small_media").asBoolean()).isTrue();
            assertThat(m.jsonParameter("link_preview_options").path("show_above_text").asBoolean()).isTrue();
            assertThat(m.parameter("business_connection_id")).isEqualTo("biz-7");
            assertThat(m.parameter("message_effect_id")).isEqualTo("5104841245755180586");
            assertThat(m.parameter("parse_mode")).isEqualTo("HTML");
        }

        @Test
        @DisplayName("default options send no option parameters at all")
        void defaultsSendNothing() {
            require(Capability.SEND_OPTIONS);
            send(6002, Payload.text("plain"));
            assertThat(telegram.record().acceptedIn(6002).get(0).parameters()).containsKeys("chat_id", "text")
                    .doesNotContainKeys("reply_markup", "disable_notification", "protect_content", "message_thread_id",
                            "link_preview_options", "reply_parameters", "business_connection_id", "message_effect_id",
                            "parse_mode", "allow_paid_broadcast");
        }

        @Test
        @DisplayName("a reply keyboard, its removal and a forced reply reach Telegram as given")
        void otherMarkups() {
            require(Capability.SEND_OPTIONS);
            send(6003, Payload.text("pick").withOptions(SendOptions.builder().replyMarkup(new ReplyMarkup.ReplyKeyboard(
                    List.of(List.of(ReplyMarkup.KeyboardButton.text("Yes"),
                            new ReplyMarkup.KeyboardButton("Share phone", ReplyMarkup.KeyboardButton.Request.CONTACT))),
                    true, true, true, "Choose", false)).build()));
            send(6004, Payload.text("done").withOptions(SendOptions.builder().replyMarkup(ReplyMarkup.remove()).build()));
            send(6005, Payload.text("why?").withOptions(SendOptions.builder()
                    .replyMarkup(new ReplyMarkup.ForceReply("Your reason", true)).build()));
            JsonNode keyboard = telegram.record().acceptedIn(6003).get(0).jsonParameter("reply_markup");
            assertThat(keyboard.at("/keyboard/0/0/text").asText()).isEqualTo("Yes");
            assertThat(keyboard.at("/keyboard/0/1/request_contact").asBoolean()).isTrue();
            assertThat(keyboard.path("is_persistent").asBoolean()).isTrue();
            assertThat(keyboard.path("one_time_keyboard").asBoolean()).isTrue();
            assertThat(keyboard.path("input_field_placeholder").asText()).isEqualTo("Choose");
            assertThat(telegram.record().acceptedIn(6004).get(0).jsonParameter("reply_markup").path("remove_keyboard")
                    .asBoolean()).isTrue();
            JsonNode force = telegram.record().acceptedIn(6005).get(0).jsonParameter("reply_markup");
            assertThat(force.path("force_reply").asBoolean()).isTrue();
            assertThat(force.path("selective").asBoolean()).isTrue();
        }

        @Test
        @DisplayName("a photo under a spoiler with its caption above, protected and silent, with a keyboard")
        void mediaOptions() {
            require(Capability.SEND_OPTIONS);
            Payload photo = Payload.photo(MediaSource.url("https://cdn.example.com/p.jpg"), "*new*", ParseMode.MARKDOWN_V2)
                    .withSpoiler().withCaptionAboveMedia().withOptions(SendOptions.builder().protectContent().silent()
                            .replyMarkup(ReplyMarkup.inlineRow(ReplyMarkup.InlineButton.callback("Like", "like"))).build());
            assertThat(send(6006, photo)).isInstanceOf(SendOutcome.Delivered.class);
            AcceptedMessage m = telegram.record().acceptedIn(6006).get(0);
            assertThat(m.flag("has_spoiler")).isTrue();
            assertThat(m.flag("show_caption_above_media")).isTrue();
            assertThat(m.flag("protect_content")).isTrue();
            assertThat(m.flag("disable_notification")).isTrue();
            assertThat(m.jsonParameter("reply_markup").at("/inline_keyboard/0/0/callback_data").asText()).isEqualTo("like");
        }

        @Test
        @DisplayName("an album's options reach sendMediaGroup and a spoiler reaches its item")
        void albumOptions() {
            require(Capability.SEND_OPTIONS);
            require(Capability.ALBUMS);
            Payload album = Payload.album("pack", Payload.photo(MediaSource.url("https://cdn.example.com/1.jpg")).withSpoiler(),
                    Payload.photo(MediaSource.url("https://cdn.example.com/2.jpg")))
                    .withOptions(SendOptions.builder().protectContent().messageThreadId(3).build());
            assertThat(send(-6007, album)).isInstanceOf(SendOutcome.Delivered.class);
            AcceptedMessage first = telegram.record().acceptedIn(-6007).get(0);
            assertThat(first.flag("protect_content")).isTrue();
            assertThat(first.parameter("message_thread_id")).isEqualTo("3");
            assertThat(first.jsonParameter("media").at("/0/has_spoiler").asBoolean()).isTrue();
            assertThat(first.jsonParameter("media").at("/1/has_spoiler").isMissingNode()).isTrue();
        }
    }

    @Nested
    @DisplayName("more kinds")
    class MoreKinds {
        @Test
        @DisplayName("a sticker, a voice note and a video note arrive as their kinds, with their file ids cached")
        void fileKinds() {
            require(Capability.MORE_KINDS);
            require(Capability.UPLOADS);
            assertThat(send(7001, Payload.sticker(bytes("hi.webp")))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(7002, Payload.voice(bytes("note.ogg"), "listen", ParseMode.PLAIN))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(7003, Payload.videoNote(bytes("round.mp4")))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().accepted()).extracting(AcceptedMessage::kind)
                    .containsExactly("sticker", "voice", "video_note");
            assertThat(telegram.record().acceptedIn(7002).get(0).text()).isEqualTo("listen");
            if (capabilities().contains(Capability.FILE_ID_CACHE)) {
                send(7004, Payload.sticker(bytes("hi.webp")));
                assertThat(telegram.record().acceptedIn(7004)).singleElement()
                        .satisfies(m -> assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.FILE_ID));
            }
        }

        @Test
        @DisplayName("a location, a venue, a contact, a die and a poll arrive with their parameters")
        void kindsWithoutFiles() {
            require(Capability.MORE_KINDS);
            SendOptions silent = SendOptions.builder().silent().build();
            assertThat(send(7101, new Payload.Location(51.5, -0.12, 20.0, silent))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(7102, Payload.venue(48.85, 2.35, "Shop", "1 Rue X"))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(7103, new Payload.Contact("+441234", "Ann", "Lee", null))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(7104, Payload.dice("🎯"))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(-7105, new Payload.Poll("Which?", List.of("red", "blue"), false, true, null)))
                    .isInstanceOf(SendOutcome.Delivered.class);

            AcceptedMessage location = telegram.record().acceptedIn(7101).get(0);
            assertThat(location.kind()).isEqualTo("location");
            assertThat(Double.parseDouble(location.parameter("latitude"))).isEqualTo(51.5);
            assertThat(Double.parseDouble(location.parameter("horizontal_accuracy"))).isEqualTo(20.0);
            assertThat(location.flag("disable_notification")).isTrue();
            assertThat(telegram.record().acceptedIn(7102).get(0).parameter("address")).isEqualTo("1 Rue X");
            AcceptedMessage contact = telegram.record().acceptedIn(7103).get(0);
            assertThat(contact.parameter("phone_number")).isEqualTo("+441234");
            assertThat(contact.parameter("last_name")).isEqualTo("Lee");
            assertThat(telegram.record().acceptedIn(7104).get(0).parameter("emoji")).isEqualTo("🎯");
            AcceptedMessage poll = telegram.record().acceptedIn(-7105).get(0);
            assertThat(poll.text()).isEqualTo("Which?");
            assertThat(poll.jsonParameter("options").findValuesAsText("text")).containsExactly("red", "blue");
            assertThat(poll.parameter("is_anonymous")).isEqualTo("false");
            assertThat(poll.flag("allows_multiple_answers")).isTrue();
        }

        @Test
        @DisplayName("a copy with a new caption, a forward and an invoice with its pay button arrive with their parameters")
        void copyForwardInvoice() {
            require(Capability.MORE_KINDS);
            send(7201, Payload.text("original"));
            SendOutcome copy = send(7202, Payload.copy(7201, 1).withCaption("<b>again</b>", ParseMode.HTML)
                    .withOptions(SendOptions.builder().protectContent().build()));
            SendOutcome forward = send(7203, Payload.forward(7201, 1).withOptions(SendOptions.builder().silent().build()));
            SendOutcome invoice = send(7204, Payload.starsInvoice("Pack 7", "Ten stickers", "pack-7", 50)
                    .withOptions(SendOptions.builder().replyMarkup(ReplyMarkup.inlineRow(
                            ReplyMarkup.InlineButton.pay("Pay 50 ⭐"))).build()));
            assertThat(copy).isEqualTo(new SendOutcome.Delivered(List.of(1L)));
            assertThat(forward).isEqualTo(new SendOutcome.Delivered(List.of(1L)));
            assertThat(invoice).isInstanceOf(SendOutcome.Delivered.class);
            AcceptedMessage copied = telegram.record().acceptedIn(7202).get(0);
            assertThat(copied.kind()).isEqualTo("copy");
            assertThat(copied.text()).isEqualTo("<b>again</b>");
            assertThat(copied.parameter("parse_mode")).isEqualTo("HTML");
            assertThat(copied.flag("protect_content")).isTrue();
            AcceptedMessage forwarded = telegram.record().acceptedIn(7203).get(0);
            assertThat(forwarded.parameter("from_chat_id")).isEqualTo("7201");
            assertThat(forwarded.flag("disable_notification")).isTrue();
            AcceptedMessage invoiced = telegram.record().acceptedIn(7204).get(0);
            assertThat(invoiced.kind()).isEqualTo("invoice");
            assertThat(invoiced.parameter("currency")).isEqualTo("XTR");
            assertThat(invoiced.jsonParameter("prices").at("/0/amount").asInt()).isEqualTo(50);
            assertThat(invoiced.jsonParameter("reply_markup").at("/inline_keyboard/0/0/pay").asBoolean()).isTrue();
        }

        @Test
        @DisplayName("copying a message Telegram does not have is a permanent payload failure")
        void copyOfMissingMessage() {
            require(Capability.MORE_KINDS);
            assertThat(send(7301, Payload.copy(7300, 99))).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
        }
    }
}
