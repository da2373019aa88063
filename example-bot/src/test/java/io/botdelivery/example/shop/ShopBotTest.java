package io.botdelivery.example.shop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.example.SimulatedTelegram;
import io.botdelivery.example.config.Secret;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.meta.api.objects.Update;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real shop bot on long polling against the Telegram simulator: updates injected, answers read from its record. */
class ShopBotTest {
    private static final long BUYER = 4242;
    private static final String PAYLOAD = "product:pack";

    private TelegramSimulator telegram;
    private ShopApp app;

    @BeforeEach
    void start() {
        telegram = SimulatedTelegram.start();
        app = ShopApp.start(SimulatedTelegram.config(telegram), new Secret(telegram.token()), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        app.close();
        telegram.close();
    }

    private DeliveryEngine engine() {
        return app.runtime().engine();
    }

    private List<String> kindsIn(long chat) {
        return telegram.record().acceptedIn(chat).stream().map(AcceptedMessage::kind).toList();
    }

    private List<String> textsIn(long chat) {
        return telegram.record().acceptedIn(chat).stream().filter(m -> m.kind().equals("text")).map(AcceptedMessage::text).toList();
    }

    /** /start, /buy, pre-checkout once the invoice is there (as a buyer would); returns once the bot said yes. */
    private void checkout(long buyer) {
        telegram.updates().userSends(buyer, "/start");
        telegram.updates().userSends(buyer, "/buy pack");
        await().atMost(Duration.ofSeconds(10)).until(() -> kindsIn(buyer).contains("invoice"));
        String query = telegram.updates().preCheckoutQuery(buyer, "XTR", 50, PAYLOAD);
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().answerTo(query).isPresent());
        assertThat(telegram.updates().answerTo(query).orElseThrow().ok()).isTrue();
    }

    private void awaitFinal(String chargeId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> engine().findByIdempotencyKey(IdempotencyKey.of(chargeId + ":receipt"))
                .map(d -> d.status().isFinal()).orElse(false));
    }

    private String lastReplyTo(long chat) {
        List<String> texts = textsIn(chat);
        return texts.isEmpty() ? "" : texts.get(texts.size() - 1);
    }

    @Nested
    @DisplayName("A purchase")
    class Purchase {
        @Test
        @DisplayName("/start shows the catalog, /buy sends an invoice in Stars, and the paid pack arrives once, receipt last")
        void packArrivesOnce() {
            checkout(BUYER);
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-1");
            awaitFinal("charge-1");

            assertThat(kindsIn(BUYER)).containsExactly("text", "invoice", "photo", "photo", "video", "document", "text");
            assertThat(textsIn(BUYER).get(0)).startsWith("Welcome to the shop!").contains("Wallpaper pack — 50 ⭐");
            // the catalog's Buy button, as Telegram received it from the engine's sender
            JsonNode buy = telegram.record().acceptedIn(BUYER).get(0).jsonParameter("reply_markup").at("/inline_keyboard");
            assertThat(buy.size()).isEqualTo(1);
            assertThat(buy.at("/0/0/text").asText()).isEqualTo("Buy Wallpaper pack — 50 ⭐");
            assertThat(buy.at("/0/0/callback_data").asText()).isEqualTo("buy:pack");
            AcceptedMessage invoice = telegram.record().acceptedIn(BUYER).get(1);
            assertThat(invoice.text()).isEqualTo("Wallpaper pack");
            assertThat(invoice.parameter("currency")).isEqualTo("XTR");
            assertThat(invoice.parameter("payload")).isEqualTo(PAYLOAD);
            assertThat(invoice.jsonParameter("prices").at("/0/amount").asInt()).isEqualTo(50);
            assertThat(lastReplyTo(BUYER)).startsWith("Receipt").contains("charge-1");
            assertThat(telegram.record().acceptedIn(BUYER).stream().filter(m -> m.kind().equals("document")).findFirst().orElseThrow()
                    .fileName()).isEqualTo("guide.pdf");
            assertThat(telegram.record().rateLimited()).isEmpty();
        }

        @Test
        @DisplayName("an update handled twice (a webhook 200 lost, a poll offset not confirmed) is answered once")
        void sameUpdateHandledTwice() throws Exception {
            Update start = new ObjectMapper().readValue("""
                    {"update_id": 9001, "message": {"message_id": 1, "date": 1700000000,
                     "chat": {"id": %d, "type": "private"}, "from": {"id": %d, "is_bot": false, "first_name": "B"},
                     "text": "/start"}}""".formatted(BUYER, BUYER), Update.class);
            app.bot().handle(start);
            await().atMost(Duration.ofSeconds(10)).until(() -> textsIn(BUYER).size() == 1);
            app.bot().handle(start);
            // the next update's reply comes after any second catalog in the chat's order
            telegram.updates().userSends(BUYER, "/buy nothing-like-this");
            await().atMost(Duration.ofSeconds(10)).until(() -> lastReplyTo(BUYER).startsWith("There is no product"));

            assertThat(textsIn(BUYER)).hasSize(2).first().asString().startsWith("Welcome to the shop!");
            assertThat(engine().findByIdempotencyKey(IdempotencyKey.of("update:9001:1"))).isPresent();
        }

        @Test
        @DisplayName("the same payment update twice delivers one pack")
        void samePaymentTwice() {
            checkout(BUYER);
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-2");
            awaitFinal("charge-2");
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-2");
            // one chat's updates are handled in order: when this /start is answered, the repeat has been handled
            telegram.updates().userSends(BUYER, "/start");
            await().atMost(Duration.ofSeconds(10)).until(() -> textsIn(BUYER).stream().filter(t -> t.startsWith("Welcome")).count() == 2);

            assertThat(kindsIn(BUYER)).containsExactly("text", "invoice", "photo", "photo", "video", "document", "text", "text");
            // the pack's three parts once, and the bot's three replies (two catalogs, one invoice), all through the engine
            assertThat(engine().summary().total()).isEqualTo(6);
        }

        @Test
        @DisplayName("a pre-checkout for a price that is not the product's is refused with a reason")
        void wrongPrice() {
            String query = telegram.updates().preCheckoutQuery(BUYER, "XTR", 1, PAYLOAD);
            await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().answerTo(query).isPresent());
            assertThat(telegram.updates().answerTo(query).orElseThrow().ok()).isFalse();
            assertThat(telegram.updates().answerTo(query).orElseThrow().errorMessage()).contains("changed");
        }
    }

    @Nested
    @DisplayName("A buyer who blocked the bot")
    class Blocked {
        @Test
        @DisplayName("ends FAILED with the reason, and the admins get one alert for the order")
        void failedAndOneAlert() {
            checkout(BUYER);
            telegram.chats().block(BUYER);
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-3");
            awaitFinal("charge-3");

            Delivery pack = engine().findByIdempotencyKey(IdempotencyKey.of("charge-3:pack")).orElseThrow();
            assertThat(pack.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(pack.lastError()).contains("blocked");
            assertThat(engine().summary().count(DeliveryStatus.FAILED)).isEqualTo(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> !textsIn(SimulatedTelegram.ADMIN).isEmpty());
            // the alert is owed once per failed delivery; the bot folds the order's three into one
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> textsIn(SimulatedTelegram.ADMIN).size() == 1);
            assertThat(textsIn(SimulatedTelegram.ADMIN).get(0)).contains("Delivery FAILED", pack.id().toString(), "blocked");
        }

        @Test
        @DisplayName("an admin's /redeliver brings the whole order back once the buyer unblocked the bot")
        void adminRedelivers() {
            checkout(BUYER);
            telegram.chats().block(BUYER);
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-4");
            awaitFinal("charge-4");
            Delivery pack = engine().findByIdempotencyKey(IdempotencyKey.of("charge-4:pack")).orElseThrow();
            telegram.chats().reopen(BUYER);

            telegram.updates().userSends(SimulatedTelegram.ADMIN, "/redeliver " + pack.id());
            await().atMost(Duration.ofSeconds(20)).until(() -> engine().findByIdempotencyKey(IdempotencyKey.of("charge-4:receipt"))
                    .map(d -> d.status() == DeliveryStatus.DELIVERED).orElse(false));

            assertThat(kindsIn(BUYER)).endsWith("photo", "photo", "video", "document", "text");
            assertThat(textsIn(SimulatedTelegram.ADMIN)).anySatisfy(t -> assertThat(t)
                    .isEqualTo("Delivery " + pack.id() + " is queued again, with 2 more part(s) of the same order."));
        }
    }

    @Nested
    @DisplayName("Admin commands")
    class Admin {
        @Test
        @DisplayName("a user who is not an admin is refused every admin command, and nothing runs")
        void refused() {
            checkout(BUYER);
            telegram.chats().block(BUYER);
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-7");
            awaitFinal("charge-7");
            Delivery pack = engine().findByIdempotencyKey(IdempotencyKey.of("charge-7:pack")).orElseThrow();
            telegram.chats().reopen(BUYER);
            int before = textsIn(BUYER).size();

            for (String command : List.of("/failed", "/queue", "/redeliver " + pack.id(), "/cancel " + pack.id())) {
                telegram.updates().userSends(BUYER, command);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> textsIn(BUYER).size() == before + 4);
            assertThat(textsIn(BUYER).subList(before, before + 4)).containsOnly(AdminCommands.REFUSAL);
            assertThat(engine().find(pack.id()).orElseThrow().status()).as("not redelivered, not cancelled").isEqualTo(DeliveryStatus.FAILED);
        }

        @Test
        @DisplayName("in a group, every admin command, from an admin or not, gets only a pointer to the private chat")
        void notInGroups() {
            long group = -4242L;
            telegram.chats().addGroup(group);
            List<String> commands = List.of("/failed", "/queue", "/redeliver x", "/cancel x");
            for (String command : commands) {
                telegram.updates().userSendsInGroup(group, SimulatedTelegram.ADMIN, command);
                telegram.updates().userSendsInGroup(group, BUYER, command);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> textsIn(group).size() == 2 * commands.size());
            assertThat(textsIn(group)).containsOnly(AdminCommands.PRIVATE_ONLY);
        }

        @Test
        @DisplayName("an admin's /queue counts deliveries by status and /failed lists the failures with their reasons")
        void queueAndFailed() {
            checkout(BUYER);
            telegram.chats().block(BUYER);
            telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-5");
            awaitFinal("charge-5");

            telegram.updates().userSends(SimulatedTelegram.ADMIN, "/queue");
            await().atMost(Duration.ofSeconds(10)).until(() -> lastReplyTo(SimulatedTelegram.ADMIN).startsWith("Queue"));
            assertThat(lastReplyTo(SimulatedTelegram.ADMIN)).contains("failed: 3", "pending: 0", "nothing waiting");

            telegram.updates().userSends(SimulatedTelegram.ADMIN, "/failed");
            await().atMost(Duration.ofSeconds(10)).until(() -> lastReplyTo(SimulatedTelegram.ADMIN).startsWith("Latest failed"));
            assertThat(lastReplyTo(SimulatedTelegram.ADMIN)).contains("PERMANENT_RECIPIENT", "blocked", "/redeliver ", "order charge-5");
        }

        @Test
        @DisplayName("/cancel without an id explains its usage")
        void usage() {
            telegram.updates().userSends(SimulatedTelegram.ADMIN, "/cancel");
            await().atMost(Duration.ofSeconds(10)).until(() -> lastReplyTo(SimulatedTelegram.ADMIN).startsWith("Usage: /cancel <delivery id>"));
        }
    }
}
