package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.simulator.BotApiCalls.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.botdelivery.simulator.BotApiCalls.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The Telegram simulator")
class TelegramSimulatorTest {
    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
    private BotApiCalls api = new BotApiCalls(telegram);

    @AfterEach
    void stop() {
        telegram.close();
    }

    private void restart(SimulatorConfig.Builder config) {
        telegram.close();
        telegram = TelegramSimulator.start(config.clock(clock).build());
        api = new BotApiCalls(telegram);
    }

    private static Map.Entry<String, byte[]> file(String name, String content) {
        return Map.entry(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    @DisplayName("speaks the Bot API")
    class Protocol {
        @Test
        @DisplayName("getMe answers the bot user, with the id taken from the token")
        void getMe() {
            Answer me = api.get("getMe");
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.result().get("id").asLong()).isEqualTo(7000000001L);
            assertThat(me.result().get("is_bot").asBoolean()).isTrue();
        }

        @Test
        @DisplayName("listens on 127.0.0.1 at a free port")
        void address() {
            assertThat(telegram.baseUrl().toString()).startsWith("http://127.0.0.1:");
            assertThat(telegram.port()).isPositive();
        }

        @Test
        @DisplayName("reads method names case-insensitively")
        void caseInsensitive() {
            assertThat(api.json("SENDMESSAGE", params("chat_id", 1, "text", "a")).ok()).isTrue();
            assertThat(api.json("sendmessage", params("chat_id", 2, "text", "b")).ok()).isTrue();
        }

        @Test
        @DisplayName("answers 401 Unauthorized to a wrong token")
        void wrongToken() {
            Answer answer = new BotApiCalls(telegram, "123:wrongwrongwrongwrongwrong").text(1, "hi");
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.json().get("ok").asBoolean()).isFalse();
            assertThat(answer.json().get("error_code").asInt()).isEqualTo(401);
            assertThat(answer.description()).isEqualTo("Unauthorized");
        }

        @Test
        @DisplayName("answers 404 Not Found to an unknown method")
        void unknownMethod() {
            Answer answer = api.json("sendTelepathy", params("chat_id", 1));
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.description()).isEqualTo("Not Found");
        }

        @Test
        @DisplayName("reads form-encoded bodies and query strings")
        void formAndQuery() {
            assertThat(api.form("sendMessage", Map.of("chat_id", "3", "text", "form body")).ok()).isTrue();
            assertThat(api.get("sendMessage?chat_id=4&text=query").ok()).isTrue();
            assertThat(telegram.record().contentsIn(3)).containsExactly("form body");
            assertThat(telegram.record().contentsIn(4)).containsExactly("query");
        }

        @Test
        @DisplayName("answers Telegram's message shape: ids per chat from 1, dates in seconds, the chat and the bot")
        void messageShape() {
            JsonNode first = api.text(10, "one").result();
            clock.advance(Duration.ofSeconds(1));
            JsonNode second = api.text(10, "two").result();
            JsonNode otherChat = api.text(11, "three").result();
            assertThat(first.get("message_id").asLong()).isEqualTo(1);
            assertThat(second.get("message_id").asLong()).isEqualTo(2);
            assertThat(otherChat.get("message_id").asLong()).isEqualTo(1);
            assertThat(first.get("date").asLong()).isEqualTo(clock.instant().getEpochSecond() - 1);
            assertThat(first.get("chat").get("type").asText()).isEqualTo("private");
            assertThat(first.get("from").get("is_bot").asBoolean()).isTrue();
            assertThat(first.get("text").asText()).isEqualTo("one");
        }

        @Test
        @DisplayName("gives uploads fresh file ids that later sends can use")
        void uploadsGetFileIds() {
            Answer upload = api.multipart("sendPhoto", Map.of("chat_id", "5", "photo", "attach://pic.png", "caption", "c"),
                    Map.of("pic.png", file("pic.png", "PNG")));
            JsonNode sizes = upload.result().get("photo");
            String fileId = sizes.get(sizes.size() - 1).get("file_id").asText();
            clock.advance(Duration.ofSeconds(1));
            Answer again = api.json("sendPhoto", params("chat_id", 5, "photo", fileId));
            assertThat(again.ok()).isTrue();
            assertThat(telegram.record().acceptedIn(5)).extracting(AcceptedMessage::origin)
                    .containsExactly(AcceptedMessage.Origin.UPLOAD, AcceptedMessage.Origin.FILE_ID);
            assertThat(telegram.files().find(fileId)).get().extracting(SimulatedFiles.StoredFile::fileName).isEqualTo("pic.png");
        }

        @Test
        @DisplayName("accepts a file uploaded directly under the parameter's name")
        void directUpload() {
            Answer answer = api.multipart("sendDocument", Map.of("chat_id", "5"), Map.of("document", file("a.pdf", "PDF")));
            assertThat(answer.ok()).isTrue();
            assertThat(answer.result().get("document").get("file_name").asText()).isEqualTo("a.pdf");
        }

        @Test
        @DisplayName("sends an album with attach:// uploads, file ids and URLs under one media_group_id")
        void album() {
            String media = "[{\"type\":\"photo\",\"media\":\"attach://one.jpg\",\"caption\":\"album\"},"
                    + "{\"type\":\"video\",\"media\":\"https://example.com/v.mp4\"},"
                    + "{\"type\":\"photo\",\"media\":\"attach://two.jpg\"}]";
            Answer answer = api.multipart("sendMediaGroup", Map.of("chat_id", "-42", "media", media),
                    Map.of("one.jpg", file("one.jpg", "1"), "two.jpg", file("two.jpg", "2")));
            assertThat(answer.ok()).isTrue();
            assertThat(answer.result()).hasSize(3);
            String group = answer.result().get(0).get("media_group_id").asText();
            assertThat(answer.result()).allSatisfy(m -> assertThat(m.get("media_group_id").asText()).isEqualTo(group));
            assertThat(answer.result().get(0).get("caption").asText()).isEqualTo("album");
            assertThat(telegram.record().acceptedIn(-42)).extracting(AcceptedMessage::albumIndex).containsExactly(1, 2, 3);
        }

        @Test
        @DisplayName("handles chat actions, invoices, getFile and webhooks")
        void otherMethods() {
            assertThat(api.json("sendChatAction", params("chat_id", 7, "action", "typing")).result().asBoolean()).isTrue();
            Answer invoice = api.json("sendInvoice", params("chat_id", 7, "title", "Pack", "description", "10 photos",
                    "payload", "order-1", "currency", "XTR", "prices", List.of(Map.of("label", "Pack", "amount", 50))));
            assertThat(invoice.result().get("invoice").get("total_amount").asInt()).isEqualTo(50);
            String fileId = api.multipart("sendDocument", Map.of("chat_id", "8"), Map.of("document", file("f.txt", "x")))
                    .result().get("document").get("file_id").asText();
            assertThat(api.json("getFile", params("file_id", fileId)).result().get("file_path").asText()).startsWith("documents/");
            assertThat(api.json("setWebhook", params("url", "https://bot.example/hook")).ok()).isTrue();
            assertThat(api.json("getUpdates", params()).status()).isEqualTo(409);
            assertThat(api.json("deleteWebhook", params()).ok()).isTrue();
            assertThat(api.json("getUpdates", params()).ok()).isTrue();
        }
    }

    @Nested
    @DisplayName("validates like Telegram")
    class Validation {
        @Test
        @DisplayName("refuses empty and too long texts and too long captions")
        void lengths() {
            assertThat(api.text(1, "").description()).isEqualTo("Bad Request: message text is empty");
            assertThat(api.text(2, "x".repeat(4097)).description()).isEqualTo("Bad Request: message is too long");
            assertThat(api.text(3, "x".repeat(4096)).ok()).isTrue();
            Answer caption = api.json("sendPhoto", params("chat_id", 4, "photo", "https://e.com/a.jpg", "caption", "c".repeat(1025)));
            assertThat(caption.status()).isEqualTo(400);
            assertThat(caption.description()).isEqualTo("Bad Request: message caption is too long");
        }

        @Test
        @DisplayName("refuses bad HTML and unescaped MarkdownV2")
        void markup() {
            Answer html = api.json("sendMessage", params("chat_id", 1, "text", "<b>bold", "parse_mode", "HTML"));
            assertThat(html.description()).startsWith("Bad Request: can't parse entities");
            Answer markdown = api.json("sendMessage", params("chat_id", 2, "text", "price 1.5", "parse_mode", "MarkdownV2"));
            assertThat(markdown.description()).startsWith("Bad Request: can't parse entities");
            assertThat(api.json("sendMessage", params("chat_id", 3, "text", "<b>ok</b> &amp;", "parse_mode", "HTML")).ok()).isTrue();
        }

        @Test
        @DisplayName("refuses albums of the wrong size or mixing documents with photos")
        void albums() {
            String eleven = "[" + String.join(",", java.util.Collections.nCopies(11,
                    "{\"type\":\"photo\",\"media\":\"https://e.com/a.jpg\"}")) + "]";
            assertThat(api.json("sendMediaGroup", params("chat_id", 1, "media", eleven)).description())
                    .isEqualTo("Bad Request: too much messages to send as an album");
            String mixed = "[{\"type\":\"photo\",\"media\":\"https://e.com/a.jpg\"},{\"type\":\"document\",\"media\":\"https://e.com/b.pdf\"}]";
            assertThat(api.json("sendMediaGroup", params("chat_id", 2, "media", mixed)).description())
                    .isEqualTo("Bad Request: document can't be mixed with other media types");
            assertThat(telegram.record().accepted()).isEmpty();
        }

        @Test
        @DisplayName("answers 403 for blocked, deactivated and never-started users and kicked bots")
        void forbidden() {
            telegram.chats().block(1).deactivate(2).neverStarted(3).addSupergroup(-1001).kick(-1001);
            assertThat(api.text(1, "x").description()).isEqualTo("Forbidden: bot was blocked by the user");
            assertThat(api.text(2, "x").description()).isEqualTo("Forbidden: user is deactivated");
            assertThat(api.text(3, "x").description()).isEqualTo("Forbidden: bot can't initiate conversation with a user");
            Answer kicked = api.text(-1001, "x");
            assertThat(kicked.status()).isEqualTo(403);
            assertThat(kicked.description()).isEqualTo("Forbidden: bot was kicked from the supergroup chat");
        }

        @Test
        @DisplayName("answers chat not found for unknown chats when only known chats exist")
        void chatNotFound() {
            restart(SimulatorConfig.builder().knownChatsOnly(true));
            telegram.chats().addPrivate(5);
            assertThat(api.text(6, "x").description()).isEqualTo("Bad Request: chat not found");
            assertThat(api.text(5, "x").ok()).isTrue();
        }

        @Test
        @DisplayName("answers 400 with migrate_to_chat_id for a group that became a supergroup")
        void migrated() {
            telegram.chats().migrate(-500, -1009999);
            Answer answer = api.text(-500, "x");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().get("parameters").get("migrate_to_chat_id").asLong()).isEqualTo(-1009999);
            assertThat(api.text(-1009999, "x").ok()).isTrue();
        }

        @Test
        @DisplayName("answers wrong file identifier for stale file ids, and failed to get HTTP URL content for dead URLs")
        void files() {
            String fileId = api.multipart("sendPhoto", Map.of("chat_id", "1", "photo", "attach://p"), Map.of("p", file("p", "x")))
                    .result().get("photo").get(1).get("file_id").asText();
            telegram.files().forget(fileId);
            assertThat(api.json("sendPhoto", params("chat_id", 2, "photo", fileId)).description())
                    .isEqualTo("Bad Request: wrong file identifier/HTTP URL specified");
            assertThat(api.json("sendPhoto", params("chat_id", 3, "photo", "never-issued")).description())
                    .isEqualTo("Bad Request: wrong file identifier/HTTP URL specified");
            telegram.files().failUrl("https://e.com/dead.jpg");
            assertThat(api.json("sendPhoto", params("chat_id", 4, "photo", "https://e.com/dead.jpg")).description())
                    .isEqualTo("Bad Request: failed to get HTTP URL content");
        }

        @Test
        @DisplayName("answers 413 to a request body over the limit")
        void tooLarge() {
            restart(SimulatorConfig.builder().maxRequestBytes(2048));
            Answer answer = api.multipart("sendDocument", Map.of("chat_id", "1"), Map.of("document", file("big", "x".repeat(4096))));
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.description()).isEqualTo("Request Entity Too Large");
        }
    }

    @Nested
    @DisplayName("enforces Telegram's limits")
    class Limits {
        @Test
        @DisplayName("answers 429 with retry_after to a second message to a private chat within a second")
        void privateChat() {
            assertThat(api.text(1, "a").ok()).isTrue();
            Answer limited = api.text(1, "b");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.description()).isEqualTo("Too Many Requests: retry after 1");
            assertThat(limited.json().get("parameters").get("retry_after").asInt()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(api.text(1, "b").ok()).isTrue();
            assertThat(telegram.record().rateLimited()).singleElement()
                    .satisfies(r -> assertThat(r.limitedScope()).isEqualTo(WindowScope.chat(1)));
        }

        @Test
        @DisplayName("counts an album as its items in the group budget")
        void albumInGroup() {
            String album = "[" + String.join(",", java.util.Collections.nCopies(10,
                    "{\"type\":\"photo\",\"media\":\"https://e.com/a.jpg\"}")) + "]";
            assertThat(api.json("sendMediaGroup", params("chat_id", -7, "media", album)).ok()).isTrue();
            clock.advance(Duration.ofSeconds(3));
            assertThat(api.json("sendMediaGroup", params("chat_id", -7, "media", album)).ok()).isTrue();
            clock.advance(Duration.ofSeconds(3));
            assertThat(api.text(-7, "one more").status()).isEqualTo(429);
        }

        @Test
        @DisplayName("sends paid broadcasts in their own lane")
        void paidLane() {
            for (int chat = 1; chat <= 30; chat++) {
                assertThat(api.text(chat, "standard").ok()).isTrue();
            }
            assertThat(api.text(31, "standard").status()).isEqualTo(429);
            assertThat(api.json("sendMessage", params("chat_id", 32, "text", "paid", "allow_paid_broadcast", true)).ok()).isTrue();
            assertThat(telegram.record().accepted(AcceptedMessage::paidBroadcast)).hasSize(1);
        }

        @Test
        @DisplayName("in observe mode accepts everything and reports the overshoot")
        void observe() {
            restart(SimulatorConfig.builder().limitMode(SimulatorConfig.LimitMode.OBSERVE));
            api.text(1, "a");
            api.text(1, "b");
            assertThat(telegram.record().rateLimited()).isEmpty();
            assertThat(telegram.record().windowOvershoots()).singleElement()
                    .satisfies(o -> assertThat(o.scope()).isEqualTo(WindowScope.chat(1)));
            assertThat(telegram.record().maxInAnyWindow(WindowScope.chat(1), Duration.ofSeconds(1))).isEqualTo(2);
        }

        @Test
        @DisplayName("never records an overshoot while enforcing")
        void enforcedNoOvershoot() {
            for (int i = 0; i < 5; i++) {
                api.text(1, "m" + i);
                api.text(-2, "g" + i);
                clock.advance(Duration.ofMillis(400));
            }
            assertThat(telegram.record().rateLimited()).isNotEmpty();
            assertThat(telegram.record().windowOvershoots()).isEmpty();
        }
    }

    @Nested
    @DisplayName("injects faults")
    class Faults {
        @Test
        @DisplayName("a JSON 500 and an nginx 502 page, sending nothing")
        void serverErrors() {
            telegram.faults().next(Fault.serverError(), Fault.nonJsonServerError(502));
            Answer json = api.text(1, "a");
            assertThat(json.status()).isEqualTo(500);
            assertThat(json.json().get("error_code").asInt()).isEqualTo(500);
            Answer html = api.text(2, "b");
            assertThat(html.status()).isEqualTo(502);
            assertThat(html.json()).isNull();
            assertThat(html.raw()).contains("502 Bad Gateway");
            assertThat(telegram.record().accepted()).isEmpty();
        }

        @Test
        @DisplayName("a connection dropped before acceptance: no answer, nothing sent")
        void dropBefore() {
            telegram.faults().next(Fault.dropBeforeAccept());
            assertThatThrownBy(() -> api.text(1, "a")).isInstanceOf(UncheckedIOException.class);
            assertThat(telegram.record().accepted()).isEmpty();
            assertThat(telegram.record().faultCount(Fault.DropBeforeAccept.class)).isEqualTo(1);
        }

        @Test
        @DisplayName("a connection dropped after acceptance: no answer, but the message was sent")
        void dropAfter() {
            telegram.faults().next(Fault.dropAfterAccept());
            assertThatThrownBy(() -> api.text(1, "a")).isInstanceOf(UncheckedIOException.class);
            assertThat(telegram.record().acceptedIn(1)).singleElement().satisfies(m -> assertThat(m.answerLost()).isTrue());
        }

        @Test
        @DisplayName("a partial album: items before #N arrive, the answer names #N and the inner error")
        void partialAlbum() {
            telegram.faults().next(Fault.partialAlbum(3, "WEBPAGE_MEDIA_EMPTY"));
            String album = "[" + String.join(",", java.util.Collections.nCopies(4,
                    "{\"type\":\"photo\",\"media\":\"https://e.com/a.jpg\"}")) + "]";
            Answer answer = api.json("sendMediaGroup", params("chat_id", -3, "media", album));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.description())
                    .isEqualTo("Bad Request: failed to send message #3 with the error message \"WEBPAGE_MEDIA_EMPTY\"");
            assertThat(telegram.record().acceptedIn(-3)).extracting(AcceptedMessage::albumIndex).containsExactly(1, 2);
        }

        @Test
        @DisplayName("a partial album answered with a plain 429: items before #N arrive, the answer does not say so, the chat is banned")
        void partialAlbumRateLimited() {
            telegram.faults().next(Fault.partialAlbumRateLimited(3, 2));
            String album = "[" + String.join(",", java.util.Collections.nCopies(4,
                    "{\"type\":\"photo\",\"media\":\"https://e.com/a.jpg\"}")) + "]";
            Answer answer = api.json("sendMediaGroup", params("chat_id", -3, "media", album));
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.description()).isEqualTo("Too Many Requests: retry after 2");
            assertThat(telegram.record().acceptedIn(-3)).extracting(AcceptedMessage::albumIndex).containsExactly(1, 2);

            assertThat(api.text(-3, "too early").status()).isEqualTo(429);
            assertThat(telegram.record().rejected()).filteredOn(RejectedCall::isRateLimit).singleElement()
                    .satisfies(r -> {
                        assertThat(r.limitedScope()).isEqualTo(WindowScope.chat(-3));
                        assertThat(r.retryAfter()).isGreaterThanOrEqualTo(2);
                    });
        }

        @Test
        @DisplayName("a scripted album fault waits for an album; a chat-scoped fault waits for its chat")
        void targeting() {
            telegram.faults().next(Fault.partialAlbum(1, "X")).nextFor(9, Fault.serverError());
            assertThat(api.text(1, "plain").ok()).isTrue();
            assertThat(api.text(9, "target").status()).isEqualTo(500);
            assertThat(telegram.faults().pending()).isEqualTo(1);
        }

        @Test
        @DisplayName("any error answer, or an exact raw answer")
        void answers() {
            telegram.faults().next(Fault.error(403, "Forbidden: bot can't send messages to bots"),
                    Fault.raw(400, "application/json", "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: PEER_ID_INVALID\"}"));
            assertThat(api.text(1, "a").description()).isEqualTo("Forbidden: bot can't send messages to bots");
            assertThat(api.text(2, "b").description()).isEqualTo("Bad Request: PEER_ID_INVALID");
        }

        @Test
        @DisplayName("added latency delays the answer but the send is accepted")
        void latency() {
            telegram.faults().next(Fault.latency(Duration.ofMillis(300)));
            long start = System.nanoTime();
            assertThat(api.text(1, "slow").ok()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }

        @Test
        @DisplayName("random faults repeat with the same seed")
        void seeded() {
            List<Fault> first = drawn(FaultRates.each(0.1, 7));
            List<Fault> second = drawn(FaultRates.each(0.1, 7));
            assertThat(first).isEqualTo(second);
            assertThat(first).hasSizeBetween(20, 80);
        }

        private List<Fault> drawn(FaultRates rates) {
            FaultInjector injector = new FaultInjector(rates);
            List<Fault> faults = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Fault f = injector.decide(i, i % 2 == 0, 3).fault();
                if (!(f instanceof Fault.Pass)) {
                    faults.add(f);
                }
            }
            return faults;
        }
    }

    @Nested
    @DisplayName("delivers updates")
    class Updates {
        @Test
        @DisplayName("a user's command, then confirmed by the next offset")
        void messages() {
            long id = telegram.updates().userSends(77, "/start");
            JsonNode updates = api.json("getUpdates", params("offset", 0)).result();
            assertThat(updates).hasSize(1);
            assertThat(updates.get(0).get("update_id").asLong()).isEqualTo(id);
            assertThat(updates.get(0).get("message").get("entities").get(0).get("type").asText()).isEqualTo("bot_command");
            assertThat(api.json("getUpdates", params("offset", id + 1)).result()).isEmpty();
        }

        @Test
        @DisplayName("an update is sent again on every poll until an offset above its id confirms it, and only those below are dropped")
        void redeliveredUntilConfirmed() {
            long first = telegram.updates().userSends(77, "one");
            long second = telegram.updates().userSends(78, "two");
            // a bot that crashed before confirming asks again without an offset: both come again, oldest first
            for (int poll = 0; poll < 2; poll++) {
                JsonNode again = api.json("getUpdates", params()).result();
                assertThat(again).hasSize(2);
                assertThat(again.get(0).get("update_id").asLong()).isEqualTo(first);
            }
            // offset = first: "first is not handled yet", so it is not confirmed and comes again with the second
            assertThat(api.json("getUpdates", params("offset", first)).result()).hasSize(2);
            assertThat(telegram.updates().pendingCount()).isEqualTo(2);
            // offset = second confirms only the first
            JsonNode rest = api.json("getUpdates", params("offset", second)).result();
            assertThat(rest).hasSize(1);
            assertThat(rest.get(0).get("update_id").asLong()).isEqualTo(second);
            assertThat(api.json("getUpdates", params()).result()).hasSize(1);
            assertThat(api.json("getUpdates", params("offset", second + 1)).result()).isEmpty();
            assertThat(telegram.updates().pendingCount()).isZero();
        }

        @Test
        @DisplayName("wakes a long poll when an update arrives")
        void longPoll() throws Exception {
            CompletableFuture<Answer> poll = CompletableFuture.supplyAsync(() -> api.json("getUpdates", params("timeout", 20)));
            telegram.updates().userSends(77, "hello");
            Answer answer = poll.get(10, TimeUnit.SECONDS);
            assertThat(answer.result()).isNotEmpty();
        }

        @Test
        @DisplayName("a pre-checkout query and its answer, and a successful payment")
        void payments() {
            String queryId = telegram.updates().preCheckoutQuery(77, "XTR", 50, "order-1");
            JsonNode query = api.json("getUpdates", params()).result().get(0).get("pre_checkout_query");
            assertThat(query.get("invoice_payload").asText()).isEqualTo("order-1");
            assertThat(api.json("answerPreCheckoutQuery", params("pre_checkout_query_id", queryId, "ok", true)).ok()).isTrue();
            assertThat(telegram.updates().answerTo(queryId)).get().extracting(SimulatedUpdates.PreCheckoutAnswer::ok).isEqualTo(true);
            telegram.updates().successfulPayment(77, "XTR", 50, "order-1", "charge-1");
            JsonNode all = api.json("getUpdates", params()).result();
            assertThat(all.get(all.size() - 1).get("message").get("successful_payment").get("telegram_payment_charge_id").asText())
                    .isEqualTo("charge-1");
        }
    }

    @Nested
    @DisplayName("answers questions about what it accepted")
    class Record {
        @Test
        @DisplayName("which expected messages are missing, duplicated or unexpected")
        void report() {
            api.text(1, "a");
            clock.advance(Duration.ofSeconds(1));
            api.text(1, "a");
            api.text(2, "surprise");
            SimulatorRecord.DeliveryReport report = telegram.record().check(List.of("a", "b"));
            assertThat(report.missing()).containsExactly("b");
            assertThat(report.duplicated()).containsEntry("a", 2L);
            assertThat(report.unexpected()).containsExactly("surprise");
            assertThat(report.isExactlyOnce()).isFalse();
        }

        @Test
        @DisplayName("duplicates explained by a lost answer are told apart from the rest")
        void explainedDuplicates() {
            telegram.faults().next(Fault.dropAfterAccept());
            assertThatThrownBy(() -> api.text(1, "paid")).isInstanceOf(UncheckedIOException.class);
            clock.advance(Duration.ofSeconds(1));
            api.text(1, "paid");
            api.text(2, "x");
            clock.advance(Duration.ofSeconds(1));
            api.text(2, "x");
            assertThat(telegram.record().unexplainedDuplicates(AcceptedMessage::content)).containsExactly("2/x");
        }

        @Test
        @DisplayName("the order of messages per chat")
        void order() {
            for (String s : List.of("first", "second", "third")) {
                api.text(1, s);
                clock.advance(Duration.ofSeconds(1));
            }
            assertThat(telegram.record().contentsIn(1)).containsExactly("first", "second", "third");
        }
    }
}
