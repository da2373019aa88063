package io.botdelivery.sender.telegram;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Payload;
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
import org.telegram.telegrambots.meta.api.methods.CopyMessage;
import org.telegram.telegrambots.meta.api.methods.invoices.SendInvoice;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendSticker;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.media.InputMediaPhoto;
import org.telegram.telegrambots.meta.api.objects.payments.LabeledPrice;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("TelegramDeliveries: any TelegramBots send method through the engine")
class TelegramDeliveriesTest {
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
                .config(EngineConfig.defaults().withWorkerId("deliveries")).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        sender.close();
        telegram.close();
    }

    private void submit(DeliveryRequest request) {
        submitted.add(engine.submit(request).id());
    }

    private void deliverAll() {
        scheduler.advanceUntil(() -> submitted.stream()
                        .allMatch(id -> engine.find(id).orElseThrow().status() == DeliveryStatus.DELIVERED),
                Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    private static InlineKeyboardMarkup buyButton() {
        return new InlineKeyboardMarkup(List.of(new InlineKeyboardRow(
                InlineKeyboardButton.builder().text("Buy").callbackData("buy:7").build())));
    }

    @Test
    @DisplayName("a SendMessage with an inline keyboard, a SendSticker, a CopyMessage and a SendInvoice arrive with their exact parameters")
    void fourMethods() {
        submit(TelegramDeliveries.of(901, SendMessage.builder().chatId(901L).text("<b>Pack 7</b>").parseMode("HTML")
                .protectContent(true).replyMarkup(buyButton()).build()));
        deliverAll();
        submit(TelegramDeliveries.of(902, SendSticker.builder().chatId(902L)
                .sticker(new InputFile("https://cdn.example.com/hi.webp")).emoji("👋").protectContent(true)
                .replyMarkup(buyButton()).build()));
        submit(TelegramDeliveries.of(903, CopyMessage.builder().chatId(903L).fromChatId(901L).messageId(1)
                .caption("again").build()));
        submit(TelegramDeliveries.of(904, SendInvoice.builder().chatId(904L).title("Pack 7").description("Ten stickers")
                .payload("pack-7").currency("XTR").providerToken("").price(new LabeledPrice("Pack 7", 50)).build()));
        deliverAll();

        AcceptedMessage text = telegram.record().acceptedIn(901).get(0);
        assertThat(text.text()).isEqualTo("<b>Pack 7</b>");
        assertThat(text.parameter("parse_mode")).isEqualTo("HTML");
        assertThat(text.flag("protect_content")).isTrue();
        assertThat(text.jsonParameter("reply_markup").at("/inline_keyboard/0/0/callback_data").asText()).isEqualTo("buy:7");
        AcceptedMessage sticker = telegram.record().acceptedIn(902).get(0);
        assertThat(sticker.kind()).isEqualTo("sticker");
        assertThat(sticker.parameter("emoji")).isEqualTo("👋");
        assertThat(sticker.flag("protect_content")).isTrue();
        assertThat(sticker.jsonParameter("reply_markup").at("/inline_keyboard/0/0/text").asText()).isEqualTo("Buy");
        assertThat(telegram.record().acceptedIn(903)).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("copy");
            assertThat(m.text()).isEqualTo("again");
        });
        assertThat(engine.find(submitted.get(2)).orElseThrow().messageIds()).containsExactly(1L);
        AcceptedMessage invoice = telegram.record().acceptedIn(904).get(0);
        assertThat(invoice.parameter("payload")).isEqualTo("pack-7");
        assertThat(invoice.jsonParameter("prices").at("/0/amount").asInt()).isEqualTo(50);
    }

    @Test
    @DisplayName("the delivery's chat replaces the method's chat_id, so a migrated group's redirect reaches the new chat")
    void chatIdComesFromTheDelivery() {
        telegram.chats().migrate(-905, -1000000000905L);
        submit(TelegramDeliveries.of(-905, SendMessage.builder().chatId(-905L).text("to the group").build()));
        deliverAll();
        assertThat(telegram.record().contentsIn(-1000000000905L)).containsExactly("to the group");
    }

    @Test
    @DisplayName("weight and lane come from the parameters: an album counts its items, allow_paid_broadcast the paid lane")
    void weightAndLane() {
        DeliveryRequest album = TelegramDeliveries.of(-906, SendMediaGroup.builder().chatId(-906L).medias(List.of(
                new InputMediaPhoto("https://cdn.example.com/1.jpg"), new InputMediaPhoto("https://cdn.example.com/2.jpg"),
                new InputMediaPhoto("https://cdn.example.com/3.jpg"))).build());
        DeliveryRequest paid = TelegramDeliveries.of(907, SendMessage.builder().chatId(907L).text("sale")
                .allowPaidBroadcast(true).build());
        assertThat(album.payload().messageCount()).isEqualTo(3);
        assertThat(album.allowPaidBroadcast()).isFalse();
        assertThat(paid.allowPaidBroadcast()).isTrue();
        submit(album);
        deliverAll();
        assertThat(telegram.record().acceptedIn(-906)).hasSize(3);
        assertThat(engine.find(submitted.get(0)).orElseThrow().messageIds()).containsExactly(1L, 2L, 3L);
    }

    @Test
    @DisplayName("a new upload is refused at submit: its bytes could not be stored")
    void uploadsRefused() {
        SendPhoto upload = SendPhoto.builder().chatId(908L)
                .photo(new InputFile(new ByteArrayInputStream(new byte[] {1, 2}), "p.jpg")).build();
        assertThatThrownBy(() -> TelegramDeliveries.of(908, upload)).isInstanceOf(InvalidDeliveryException.class)
                .hasMessageContaining("payload.photo");
        assertThat(TelegramDeliveries.payload(SendPhoto.builder().chatId(908L).photo(new InputFile("AgADfileid"))
                .hasSpoiler(true).build()).parametersJson()).contains("\"photo\":\"AgADfileid\"", "\"has_spoiler\":true");
    }

    @Test
    @DisplayName("the payload is the Bot API call: the method name and TelegramBots' JSON without its method field")
    void payloadShape() {
        Payload.BotApiCall call = TelegramDeliveries.payload(SendMessage.builder().chatId(1L).text("hi").build());
        assertThat(call.method()).isEqualTo("sendmessage");
        assertThat(call.parametersJson()).isEqualTo("{\"chat_id\":\"1\",\"text\":\"hi\"}");
        assertThat(call.kind()).isEqualTo("bot_api_call");
    }
}
