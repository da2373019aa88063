package io.botdelivery.simulator;

import io.botdelivery.simulator.BotApiCalls.Answer;
import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.botdelivery.simulator.BotApiCalls.params;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("The simulator checks send options and the kinds without a file like Telegram")
class SendOptionsRulesTest {
    private final MutableClock clock = MutableClock.at("2026-03-01T12:00:00Z");
    private final TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
    private final BotApiCalls api = new BotApiCalls(telegram);

    @AfterEach
    void stop() {
        telegram.close();
    }

    private static Map<String, Object> inline(Map<String, Object> button) {
        return Map.of("inline_keyboard", List.of(List.of(button)));
    }

    static Stream<Arguments> refused() {
        Map<String, Object> ok = Map.of("text", "Buy", "callback_data", "buy:1");
        return Stream.of(
                arguments("an inline button without an action", "sendMessage",
                        params("chat_id", 1, "text", "x", "reply_markup", inline(Map.of("text", "Buy"))),
                        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
                arguments("an inline button with two actions", "sendMessage", params("chat_id", 1, "text", "x",
                                "reply_markup", inline(Map.of("text", "Buy", "url", "https://a.org", "callback_data", "b"))),
                        "Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be used"),
                arguments("callback data of 65 bytes", "sendMessage", params("chat_id", 1, "text", "x",
                        "reply_markup", inline(Map.of("text", "Buy", "callback_data", "x".repeat(65)))),
                        "Bad Request: BUTTON_DATA_INVALID"),
                arguments("a button URL that is not one", "sendMessage", params("chat_id", 1, "text", "x",
                        "reply_markup", inline(Map.of("text", "Open", "url", "shop"))), "Bad Request: BUTTON_URL_INVALID"),
                arguments("an inline row of 9 buttons", "sendMessage", params("chat_id", 1, "text", "x",
                        "reply_markup", Map.of("inline_keyboard", List.of(Collections.nCopies(9, ok)))),
                        "Bad Request: BUTTONS_TOO_MUCH"),
                arguments("markup that is not JSON", "sendMessage", params("chat_id", 1, "text", "x", "reply_markup", "{"),
                        "Bad Request: can't parse reply keyboard markup JSON object"),
                arguments("a poll with one option", "sendPoll", params("chat_id", 1, "question", "Which?",
                        "options", List.of(Map.of("text", "only"))), "Bad Request: poll must have at least 2 option"),
                arguments("a poll with 13 options", "sendPoll", params("chat_id", 1, "question", "Which?",
                        "options", Collections.nCopies(13, Map.of("text", "a"))), "Bad Request: poll can't have more than 12 options"),
                arguments("a poll option of 101 characters", "sendPoll", params("chat_id", 1, "question", "Which?",
                        "options", List.of(Map.of("text", "a"), Map.of("text", "b".repeat(101)))),
                        "Bad Request: poll options length must not exceed 100"),
                arguments("a latitude of 91", "sendLocation", params("chat_id", 1, "latitude", 91, "longitude", 0),
                        "Bad Request: wrong coordinates"),
                arguments("a dice Telegram does not animate", "sendDice", params("chat_id", 1, "emoji", "🍕"),
                        "Bad Request: EMOTICON_INVALID"),
                arguments("a contact without a phone", "sendContact", params("chat_id", 1, "first_name", "Ann"),
                        "Bad Request: parameter \"phone_number\" is required"),
                arguments("a video note by URL", "sendVideoNote", params("chat_id", 1, "video_note", "https://e.com/n.mp4"),
                        "Bad Request: wrong file identifier/HTTP URL specified"),
                arguments("a copy of a message never sent", "copyMessage", params("chat_id", 1, "from_chat_id", 2,
                        "message_id", 5), "Bad Request: message to copy not found"),
                arguments("a forward of a message never sent", "forwardMessage", params("chat_id", 1, "from_chat_id", 2,
                        "message_id", 5), "Bad Request: message to forward not found"),
                arguments("a reply to message 0", "sendMessage", params("chat_id", 1, "text", "x",
                        "reply_parameters", Map.of("message_id", 0)), "Bad Request: message to be replied not found"),
                arguments("an HTML caption of 1025 visible characters", "sendPhoto", params("chat_id", 1,
                        "photo", "https://e.com/a.jpg", "caption", "<b>" + "c".repeat(1025) + "</b>", "parse_mode", "HTML"),
                        "Bad Request: message caption is too long"));
    }

    @ParameterizedTest(name = "{0} is refused with Telegram's 400")
    @MethodSource("refused")
    void refusedLikeTelegram(String name, String method, Map<String, Object> params, String description) {
        Answer answer = api.json(method, params);
        assertThat(answer.status()).as(name).isEqualTo(400);
        assertThat(answer.description()).isEqualTo(description);
        assertThat(telegram.record().accepted()).isEmpty();
    }

    @Nested
    @DisplayName("accepts and records")
    class Accepts {
        @Test
        @DisplayName("an HTML caption of 1024 visible characters whose markup makes it longer")
        void captionCountedAfterParsing() {
            Answer answer = api.json("sendPhoto", params("chat_id", 1, "photo", "https://e.com/a.jpg",
                    "caption", "<b>" + "c".repeat(1020) + "</b>&lt;&gt;&amp;!", "parse_mode", "HTML"));
            assertThat(answer.ok()).isTrue();
        }

        @Test
        @DisplayName("every parameter as received, markup included, and the kinds without a file in Telegram's shapes")
        void recordsParameters() {
            Map<String, Object> markup = inline(Map.of("text", "Buy", "callback_data", "buy:1"));
            assertThat(api.json("sendMessage", params("chat_id", 1, "text", "hi", "reply_markup", markup,
                    "disable_notification", true, "protect_content", true, "message_thread_id", 7)).ok()).isTrue();
            Answer poll = api.json("sendPoll", params("chat_id", 2, "question", "Which?",
                    "options", List.of(Map.of("text", "a"), Map.of("text", "b")), "is_anonymous", false));
            Answer venue = api.json("sendVenue", params("chat_id", 3, "latitude", 1.5, "longitude", 2.5,
                    "title", "Shop", "address", "1 Main St"));

            AcceptedMessage text = telegram.record().acceptedIn(1).get(0);
            assertThat(text.jsonParameter("reply_markup").at("/inline_keyboard/0/0/callback_data").asText()).isEqualTo("buy:1");
            assertThat(text.flag("disable_notification")).isTrue();
            assertThat(text.flag("protect_content")).isTrue();
            assertThat(text.parameter("message_thread_id")).isEqualTo("7");
            assertThat(poll.result().at("/poll/options/1/text").asText()).isEqualTo("b");
            assertThat(poll.result().at("/poll/is_anonymous").asBoolean()).isFalse();
            assertThat(telegram.record().acceptedIn(2)).singleElement()
                    .satisfies(m -> assertThat(m.kind()).isEqualTo("poll"));
            assertThat(venue.result().at("/venue/location/latitude").asDouble()).isEqualTo(1.5);
            assertThat(telegram.record().contentsIn(3)).containsExactly("Shop");
        }

        @Test
        @DisplayName("copyMessage answers a MessageId and forwardMessage a Message, both of a message that exists")
        void copyAndForward() {
            assertThat(api.text(10, "original").ok()).isTrue();
            Answer copy = api.json("copyMessage", params("chat_id", 11, "from_chat_id", 10, "message_id", 1,
                    "caption", "again"));
            Answer forward = api.json("forwardMessage", params("chat_id", 12, "from_chat_id", 10, "message_id", 1));
            assertThat(copy.result().path("message_id").asLong()).isEqualTo(1);
            assertThat(copy.result().has("chat")).isFalse();
            assertThat(forward.result().path("chat").path("id").asLong()).isEqualTo(12);
            assertThat(telegram.record().acceptedIn(11)).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo("copy");
                assertThat(m.text()).isEqualTo("again");
            });
            assertThat(telegram.record().acceptedIn(12)).singleElement()
                    .satisfies(m -> assertThat(m.parameter("from_chat_id")).isEqualTo("10"));
        }
    }
}
