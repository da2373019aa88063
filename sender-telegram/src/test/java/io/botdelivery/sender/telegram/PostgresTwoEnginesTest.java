package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.ThreadPoolTaskScheduler;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.postgres.PostgresRetryStore;
import io.botdelivery.store.postgres.PostgresRetryStoreConfig;
import io.botdelivery.store.postgres.PostgresSchema;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.testkit.ScriptedSender;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telegram.telegrambots.meta.api.methods.CopyMessage;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.invoices.SendInvoice;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendSticker;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.payments.LabeledPrice;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TelegramBots methods through the engine on PostgreSQL, across two engines: engine A (never started, so it only
 * stores) takes the submissions as {@code TelegramDeliveries.of(chatId, method)}; engine B, another process's engine on
 * the same database, claims the rows and sends them with {@link TelegramSender}. What the simulator records must be the
 * methods' exact Bot API parameters, so nothing is lost between TelegramBots' JSON, the stored row (payload format v2)
 * and the request B posts.
 */
@DisplayName("TelegramBots methods stored by one engine in PostgreSQL, claimed and sent by another")
class PostgresTwoEnginesTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    private static final long SHOP = 7_001;
    private static final long BUYER = 7_002;
    private static final String ORDER = "order-7";

    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private TelegramSimulator telegram;

    @BeforeAll
    static void migrate() {
        PostgresSchema.migrate(PG.database().dataSource(), PostgresRetryStoreConfig.DEFAULT_SCHEMA);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static PostgresRetryStore store(TestDatabase db) {
        return PostgresRetryStore.start(PostgresRetryStoreConfig.builder(db.jdbcUrl()).user(db.user())
                .password(db.password()).poolSize(2).migrateOnStart(false).build());
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    @DisplayName("a keyboard message, a sticker, a copy and a Stars invoice arrive with exactly their parameters")
    void storedByOneSentByAnother() {
        // real time: arrivals carry scheduling jitter, so the limiter's windows are longer by what the simulator tolerates
        Duration jitter = Duration.ofMillis(150);
        RateBudgets budgets = RateBudgets.telegramDefaults();
        telegram = closeLater(TelegramSimulator.start(SimulatorConfig.builder().clock(clock).budgets(budgets)
                .arrivalJitterTolerance(jitter).build()));
        EngineConfig config = EngineConfig.defaults().withPollInterval(Duration.ofMillis(200));

        // engine A: stores, never sends (not started); a scripted sender that would record any call
        ScriptedSender neverCalled = new ScriptedSender(clock);
        DeliveryEngine a = closeLater(DeliveryEngine.builder().store(closeLater(store(PG.database())))
                .limiter(new LocalRateLimiter(RateBudgets.telegramDefaults(), clock)).sender(neverCalled)
                .notifier(new RecordingNotifier()).clock(clock).config(config.withWorkerId("engine-a")).build());

        InlineKeyboardMarkup keyboard = new InlineKeyboardMarkup(List.of(new InlineKeyboardRow(
                InlineKeyboardButton.builder().text("Buy pack 7").callbackData("buy:pack-7").build(),
                InlineKeyboardButton.builder().text("Details").url("https://shop.example.com/7").build())));
        List<DeliveryId> ids = new ArrayList<>();
        ids.add(a.submit(TelegramDeliveries.builder(SHOP, SendMessage.builder().chatId(SHOP).text("<b>Pack 7</b>")
                .parseMode(ParseMode.HTML).protectContent(true).replyMarkup(keyboard).build()).orderingKey(ORDER).build()).id());
        ids.add(a.submit(TelegramDeliveries.builder(SHOP, SendSticker.builder().chatId(SHOP)
                .sticker(new InputFile("https://cdn.example.com/thanks.webp")).disableNotification(true).build()).orderingKey(ORDER).build()).id());
        // the keyboard message is message 1 in the shop chat; the copy, in another chat, must come after it: one
        // ordering key keeps the order's four sends in submission order across chats and engines
        ids.add(a.submit(TelegramDeliveries.builder(BUYER, CopyMessage.builder().chatId(BUYER).fromChatId(SHOP)
                .messageId(1).caption("<i>for you</i>").parseMode(ParseMode.HTML).build()).orderingKey(ORDER).build()).id());
        ids.add(a.submit(TelegramDeliveries.builder(BUYER, SendInvoice.builder().chatId(BUYER).title("Pack 7")
                .description("Ten stickers").payload("pack-7").providerToken("").currency("XTR")
                .price(new LabeledPrice("Pack 7", 50)).replyMarkup(new InlineKeyboardMarkup(List.of(new InlineKeyboardRow(
                        InlineKeyboardButton.builder().text("Pay 50 ⭐").pay(true).build())))).build()).orderingKey(ORDER).build()).id());
        assertThat(ids).allSatisfy(id -> assertThat(a.find(id).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING));

        // engine B: another process on the same database, sending to the simulator
        TelegramSender sender = closeLater(new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                .withApiUrl(telegram.baseUrl())));
        PostgresRetryStore storeB = closeLater(store(PG.database()));
        ThreadPoolTaskScheduler scheduler = closeLater(new ThreadPoolTaskScheduler(2));
        DeliveryEngine b = closeLater(DeliveryEngine.builder().store(storeB)
                .limiter(new LocalRateLimiter(budgets.withArrivalMargin(jitter), clock)).sender(sender)
                .notifier(new RecordingNotifier()).clock(clock).scheduler(scheduler)
                .config(config.withWorkerId("engine-b")).build().start());

        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                .allMatch(id -> b.find(id).orElseThrow().status() == DeliveryStatus.DELIVERED));
        assertThat(neverCalled.callCount()).isZero();

        List<AcceptedMessage> shop = telegram.record().acceptedIn(SHOP);
        List<AcceptedMessage> buyer = telegram.record().acceptedIn(BUYER);
        assertThat(shop).extracting(AcceptedMessage::kind).containsExactly("text", "sticker");
        assertThat(buyer).extracting(AcceptedMessage::kind).containsExactly("copy", "invoice");

        // the values TelegramBots itself posts: its method name in the body ("method") and its constants ("html")
        AcceptedMessage message = shop.get(0);
        assertThat(message.parameters().keySet()).containsExactlyInAnyOrder("method", "chat_id", "text", "parse_mode",
                "protect_content", "reply_markup");
        assertThat(message.parameters()).containsEntry("chat_id", String.valueOf(SHOP)).containsEntry("text", "<b>Pack 7</b>")
                .containsEntry("method", SendMessage.PATH).containsEntry("parse_mode", ParseMode.HTML).containsEntry("protect_content", "true");
        JsonNode row = message.jsonParameter("reply_markup").at("/inline_keyboard/0");
        assertThat(row.size()).isEqualTo(2);
        assertThat(row.at("/0/text").asText()).isEqualTo("Buy pack 7");
        assertThat(row.at("/0/callback_data").asText()).isEqualTo("buy:pack-7");
        assertThat(row.at("/1/text").asText()).isEqualTo("Details");
        assertThat(row.at("/1/url").asText()).isEqualTo("https://shop.example.com/7");

        AcceptedMessage sticker = shop.get(1);
        assertThat(sticker.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("method", SendSticker.PATH, "chat_id", String.valueOf(SHOP),
                "sticker", "https://cdn.example.com/thanks.webp", "disable_notification", "true"));
        assertThat(sticker.origin()).isEqualTo(AcceptedMessage.Origin.URL);

        AcceptedMessage copy = buyer.get(0);
        assertThat(copy.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("method", CopyMessage.PATH, "chat_id", String.valueOf(BUYER),
                "from_chat_id", String.valueOf(SHOP), "message_id", "1", "caption", "<i>for you</i>", "parse_mode", ParseMode.HTML));
        assertThat(copy.text()).isEqualTo("<i>for you</i>");

        AcceptedMessage invoice = buyer.get(1);
        assertThat(invoice.parameters().keySet()).containsExactlyInAnyOrder("method", "chat_id", "title", "description",
                "payload", "provider_token", "currency", "prices", "reply_markup", "suggested_tip_amounts");
        // TelegramBots' builder gives an invoice an empty tip list, and posts it: so does the stored call
        assertThat(invoice.jsonParameter("suggested_tip_amounts").isEmpty()).isTrue();
        assertThat(invoice.parameters()).containsEntry("method", SendInvoice.PATH).containsEntry("title", "Pack 7").containsEntry("description", "Ten stickers")
                .containsEntry("payload", "pack-7").containsEntry("provider_token", "").containsEntry("currency", "XTR");
        assertThat(invoice.jsonParameter("prices").at("/0/label").asText()).isEqualTo("Pack 7");
        assertThat(invoice.jsonParameter("prices").at("/0/amount").asInt()).isEqualTo(50);
        assertThat(invoice.jsonParameter("reply_markup").at("/inline_keyboard/0/0/pay").asBoolean()).isTrue();
        assertThat(invoice.jsonParameter("reply_markup").at("/inline_keyboard/0/0/text").asText()).isEqualTo("Pay 50 ⭐");

        assertThat(telegram.record().rateLimited()).isEmpty();
        assertThat(b.find(ids.get(2)).orElseThrow().messageIds()).hasSize(1);
    }
}
