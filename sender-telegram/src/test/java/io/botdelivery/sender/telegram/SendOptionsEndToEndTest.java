package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.ReplyMarkup.InlineButton;
import io.botdelivery.api.SendOptions;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every new option and kind through the whole path: submitted to the {@link DeliveryEngine}, paced by the
 * {@link LocalRateLimiter}, sent by {@link TelegramSender}, and checked in what the {@link TelegramSimulator} recorded.
 * Virtual time, as in {@link TelegramEndToEndTest}.
 */
@DisplayName("End to end: send options and the new kinds through engine, TelegramSender and the simulator")
class SendOptionsEndToEndTest {
    private final MutableClock clock = MutableClock.at("2026-07-01T12:00:00Z");
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private TelegramSimulator telegram;
    private TelegramSender sender;
    private DeliveryEngine engine;
    private final List<DeliveryId> submitted = new ArrayList<>();

    @BeforeEach
    void start() {
        telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
        sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl()));
        engine = DeliveryEngine.builder().store(new InMemoryRetryStore())
                .limiter(new LocalRateLimiter(RateBudgets.telegramDefaults(), clock))
                .sender(sender).notifier(new RecordingNotifier()).clock(clock).scheduler(scheduler).random(new Random(7))
                .config(EngineConfig.defaults().withWorkerId("options-e2e")).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        sender.close();
        telegram.close();
    }

    private void submit(long chatId, Payload payload) {
        submitted.add(engine.submit(DeliveryRequest.builder(chatId, payload).build()).id());
    }

    private void deliverAll() {
        scheduler.advanceUntil(() -> submitted.stream()
                        .allMatch(id -> engine.find(id).orElseThrow().status() == DeliveryStatus.DELIVERED),
                Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    private AcceptedMessage only(long chatId) {
        assertThat(telegram.record().acceptedIn(chatId)).hasSize(1);
        return telegram.record().acceptedIn(chatId).get(0);
    }

    @Test
    @DisplayName("a shop message with an inline keyboard, protected, silent, in a topic, replying, arrives exactly so")
    void keyboardAndOptions() {
        SendOptions options = SendOptions.builder()
                .replyMarkup(ReplyMarkup.inline(List.of(
                        List.of(InlineButton.callback("Buy · 5 €", "buy:pack-7")),
                        List.of(InlineButton.url("Details", "https://shop.example.com/7"), InlineButton.pay("Pay")))))
                .protectContent().silent().messageThreadId(44).replyTo(1)
                .linkPreview(SendOptions.LinkPreview.disabledPreview()).build();
        submit(-100_500, Payload.text("<b>Pack 7</b> &amp; more", ParseMode.HTML).withOptions(options));
        deliverAll();

        AcceptedMessage m = only(-100_500);
        JsonNode keyboard = m.jsonParameter("reply_markup").get("inline_keyboard");
        assertThat(keyboard.at("/0/0/text").asText()).isEqualTo("Buy · 5 €");
        assertThat(keyboard.at("/0/0/callback_data").asText()).isEqualTo("buy:pack-7");
        assertThat(keyboard.at("/1/0/url").asText()).isEqualTo("https://shop.example.com/7");
        assertThat(keyboard.at("/1/1/pay").asBoolean()).isTrue();
        assertThat(m.flag("protect_content")).isTrue();
        assertThat(m.flag("disable_notification")).isTrue();
        assertThat(m.parameter("message_thread_id")).isEqualTo("44");
        assertThat(m.jsonParameter("reply_parameters").path("message_id").asInt()).isEqualTo(1);
        assertThat(m.jsonParameter("link_preview_options").path("is_disabled").asBoolean()).isTrue();
        assertThat(m.text()).isEqualTo("<b>Pack 7</b> &amp; more");
    }

    @Test
    @DisplayName("a caption of 1024 visible characters in HTML markup is accepted at submit and by Telegram")
    void captionCountedAfterEntityParsing() {
        String caption = "<i>" + "c".repeat(1019) + "</i> <a href=\"https://example.com/a/long/link\">more</a>";
        submit(500, Payload.photo(MediaSource.url("https://cdn.example.com/p.jpg"), caption, ParseMode.HTML)
                .withSpoiler().withCaptionAboveMedia());
        deliverAll();

        AcceptedMessage m = only(500);
        assertThat(m.text()).isEqualTo(caption);
        assertThat(m.flag("has_spoiler")).isTrue();
        assertThat(m.flag("show_caption_above_media")).isTrue();
    }

    @Test
    @DisplayName("a sticker, voice, video note, location, venue, contact, die, poll and a silent album each arrive as sent")
    void everyNewKind() {
        byte[] webp = "RIFF sticker".getBytes(StandardCharsets.UTF_8);
        submit(601, Payload.sticker(MediaSource.bytes("hi.webp", webp))
                .withOptions(SendOptions.builder().replyMarkup(ReplyMarkup.remove()).build()));
        submit(602, Payload.voice(MediaSource.url("https://cdn.example.com/v.ogg"), "_listen_", ParseMode.MARKDOWN_V2));
        submit(603, Payload.videoNote(MediaSource.bytes("round.mp4", webp)));
        submit(604, Payload.location(51.5, -0.12));
        submit(605, Payload.venue(48.85, 2.35, "Shop", "1 Rue X"));
        submit(606, Payload.contact("+441234", "Ann"));
        submit(607, Payload.dice("🎰"));
        submit(-608, new Payload.Poll("Next pack?", List.of("Sci-fi", "Fantasy", "Both"), true, true,
                SendOptions.builder().replyMarkup(new ReplyMarkup.ForceReply("Tell us why", false)).build()));
        submit(-609, Payload.album("pack", Payload.photo(MediaSource.url("https://cdn.example.com/1.jpg")),
                Payload.video(MediaSource.url("https://cdn.example.com/2.mp4"))).withOptions(SendOptions.builder().silent().build()));
        deliverAll();

        assertThat(only(601).kind()).isEqualTo("sticker");
        assertThat(only(601).jsonParameter("reply_markup").path("remove_keyboard").asBoolean()).isTrue();
        assertThat(only(602).kind()).isEqualTo("voice");
        assertThat(only(602).parameter("parse_mode")).isEqualTo("MarkdownV2");
        assertThat(only(603).kind()).isEqualTo("video_note");
        assertThat(only(604).parameter("longitude")).isEqualTo("-0.12");
        assertThat(only(605).parameter("title")).isEqualTo("Shop");
        assertThat(only(606).parameter("first_name")).isEqualTo("Ann");
        assertThat(only(607).parameter("emoji")).isEqualTo("🎰");
        AcceptedMessage poll = only(-608);
        assertThat(poll.jsonParameter("options").findValuesAsText("text")).containsExactly("Sci-fi", "Fantasy", "Both");
        assertThat(poll.jsonParameter("reply_markup").path("input_field_placeholder").asText()).isEqualTo("Tell us why");
        assertThat(telegram.record().acceptedIn(-609)).hasSize(2)
                .allSatisfy(m -> assertThat(m.flag("disable_notification")).isTrue());
        assertThat(telegram.record().rateLimited()).isEmpty();
    }

    @Test
    @DisplayName("a Stars invoice with its pay button, then a copy and a forward of the message before it, arrive in order")
    void invoiceCopyForward() {
        submit(801, Payload.text("Thanks for looking at pack 7"));
        deliverAll();
        submit(802, Payload.starsInvoice("Pack 7", "Ten stickers", "pack-7", 50).withOptions(SendOptions.builder()
                .replyMarkup(ReplyMarkup.inline(List.of(List.of(InlineButton.pay("Pay 50 ⭐")),
                        List.of(InlineButton.url("Terms", "https://shop.example.com/terms"))))).protectContent().build()));
        submit(803, Payload.copy(801, 1).withCaption("*copied*", ParseMode.MARKDOWN_V2));
        submit(804, Payload.forward(801, 1).withOptions(SendOptions.builder().silent().build()));
        deliverAll();

        AcceptedMessage invoice = only(802);
        assertThat(invoice.kind()).isEqualTo("invoice");
        assertThat(invoice.parameter("payload")).isEqualTo("pack-7");
        assertThat(invoice.parameter("currency")).isEqualTo("XTR");
        assertThat(invoice.jsonParameter("prices").at("/0/label").asText()).isEqualTo("Pack 7");
        assertThat(invoice.jsonParameter("reply_markup").at("/inline_keyboard/0/0/pay").asBoolean()).isTrue();
        assertThat(invoice.jsonParameter("reply_markup").at("/inline_keyboard/1/0/url").asText())
                .isEqualTo("https://shop.example.com/terms");
        assertThat(invoice.flag("protect_content")).isTrue();
        assertThat(only(803).kind()).isEqualTo("copy");
        assertThat(only(803).text()).isEqualTo("*copied*");
        assertThat(only(804).kind()).isEqualTo("forward");
        assertThat(only(804).flag("disable_notification")).isTrue();
        assertThat(engine.find(submitted.get(2)).orElseThrow().messageIds()).containsExactly(1L);
    }
}
