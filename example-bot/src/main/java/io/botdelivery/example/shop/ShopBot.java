package io.botdelivery.example.shop;

import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Redaction;
import io.botdelivery.example.config.Catalog;
import io.botdelivery.example.config.Product;
import io.botdelivery.sender.telegram.DeliveringTelegramClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.AnswerPreCheckoutQuery;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.invoices.SendInvoice;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.payments.LabeledPrice;
import org.telegram.telegrambots.meta.api.objects.payments.PreCheckoutQuery;
import org.telegram.telegrambots.meta.api.objects.payments.SuccessfulPayment;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shop: {@code /start} shows the catalog, a Buy button (or {@code /buy <id>}) sends an invoice in Telegram Stars,
 * the pre-checkout query is answered, and a successful payment hands the product's pack to the delivery engine (see
 * {@link PackOrder}). Admins also get {@code /queue}, {@code /failed}, {@code /redeliver <id>}, {@code /cancel <id>}.
 *
 * <p>Updates are handled on a few threads, each chat always on the same one, so one chat's updates keep their order
 * while a slow chat does not hold up the others. {@link #accept} tells the update loop when an update may be confirmed
 * to Telegram: a payment only once its pack is stored ({@link PaymentIntake}); anything else once handled.
 *
 * <p>Every reply (the catalog with its Buy buttons, invoices, admin answers) is an ordinary TelegramBots call on a
 * {@link DeliveringTelegramClient}: it goes through the engine like the paid packs, so replies and packs share one
 * budget and one order per chat, and a 429 or a lost connection is retried as the engine retries everything. Replies
 * are sent asynchronously: an update thread never waits for a chat's rate-limit slot.
 */
public final class ShopBot implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShopBot.class);
    static final String CURRENCY_STARS = "XTR";
    /** Replies to update {@code n} are keyed {@code update:<n>:1}, {@code update:<n>:2}, … in the order they are sent. */
    static final String REPLY_KEY_PREFIX = "update:";

    private final Catalog catalog;
    private final DeliveryService deliveries;
    private final DeliveringTelegramClient client;
    private final AdminCommands admin;
    private final PaymentIntake payments;
    private final List<ExecutorService> stripes = new ArrayList<>();

    /**
     * @param client  the bot's client with its messages sent through {@code deliveries}' engine: replies and answers
     * @param threads update-handling threads
     */
    public ShopBot(Catalog catalog, Set<Long> admins, DeliveryService deliveries, DeliveringTelegramClient client,
                   Clock clock, int threads) {
        this(catalog, admins, deliveries, client, clock, threads, PaymentIntake.StoreRetry.DEFAULT);
    }

    ShopBot(Catalog catalog, Set<Long> admins, DeliveryService deliveries, DeliveringTelegramClient client,
            Clock clock, int threads, PaymentIntake.StoreRetry storeRetry) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.client = Objects.requireNonNull(client, "client");
        this.admin = new AdminCommands(deliveries, admins, clock);
        Set<Long> alertTo = Set.copyOf(admins);
        this.payments = new PaymentIntake(deliveries, storeRetry, text -> alertTo.forEach(a -> reply(client, a, text)));
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            stripes.add(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "shop-updates-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }));
        }
    }

    /**
     * Handles the update on its chat's thread. The result completes normally once the update may be confirmed to
     * Telegram (its effects are durable, or it was deliberately ignored: an update that throws for any other reason
     * would throw again, so it is logged and skipped rather than block the updates after it); exceptionally when a
     * payment could not be stored, so Telegram sends it again.
     */
    public CompletableFuture<Void> accept(Update update) {
        long key = routingKey(update);
        return CompletableFuture.runAsync(() -> {
            try {
                handle(update);
            } catch (PaymentIntake.PaymentNotStoredException e) {
                throw e;
            } catch (RuntimeException e) {
                log.error("update {} could not be handled; skipped", update.getUpdateId(), e);
            }
        }, stripes.get((int) Math.floorMod(key, (long) stripes.size())));
    }

    /**
     * Handles one update on the calling thread. Its replies carry idempotency keys made from the update's id
     * ({@link DeliveringTelegramClient#withIdempotencyKeys}), so an update handled twice (a webhook request whose 200
     * was lost, a poll whose offset was not confirmed before a crash) is answered once: handling is deterministic, the
     * second run makes the same keys in the same order and the store takes none of them again.
     */
    void handle(Update update) {
        DeliveringTelegramClient replies = update.getUpdateId() == null ? client
                : client.withIdempotencyKeys(REPLY_KEY_PREFIX + update.getUpdateId());
        if (update.hasPreCheckoutQuery()) {
            preCheckout(update.getPreCheckoutQuery());
        } else if (update.hasCallbackQuery()) {
            callback(replies, update.getCallbackQuery());
        } else if (update.hasMessage()) {
            Message message = update.getMessage();
            if (message.hasSuccessfulPayment()) {
                paid(replies, message.getChatId(), message.getSuccessfulPayment());
            } else if (message.hasText() && message.getFrom() != null) {
                text(replies, message.getChatId(), message.getFrom().getId(), message.getText(),
                        message.getChat().isUserChat());
            }
        }
    }

    private void text(DeliveringTelegramClient replies, long chatId, long userId, String text, boolean privateChat) {
        String[] parts = text.strip().split("\\s+", 2);
        String command = parts[0].contains("@") ? parts[0].substring(0, parts[0].indexOf('@')) : parts[0];
        String argument = parts.length > 1 ? parts[1] : "";
        if (AdminCommands.isAdminCommand(command)) {
            // queue counts, chat ids and error texts are for the admin's eyes: never answered where others read along
            reply(replies, chatId, privateChat ? admin.handle(userId, command, argument) : AdminCommands.PRIVATE_ONLY);
        } else if (command.equals("/buy")) {
            Optional<Product> product = catalog.find(argument.strip());
            product.ifPresentOrElse(p -> sendInvoice(replies, chatId, p), () -> reply(replies, chatId,
                    "There is no product '" + argument.strip() + "'. Send /start to see the catalog."));
        } else {
            showCatalog(replies, chatId);
        }
    }

    private void showCatalog(DeliveringTelegramClient replies, long chatId) {
        if (catalog.isEmpty()) {
            reply(replies, chatId, "The shop is closed for now: nothing is for sale.");
            return;
        }
        StringBuilder text = new StringBuilder("Welcome to the shop! Pay with Telegram Stars; your pack arrives right after payment.\n");
        List<InlineKeyboardRow> rows = new ArrayList<>();
        for (Product p : catalog.products()) {
            text.append("\n• ").append(p.title()).append(" — ").append(p.priceStars()).append(" ⭐\n  ")
                    .append(p.description()).append("\n  /buy ").append(p.id()).append('\n');
            rows.add(new InlineKeyboardRow(InlineKeyboardButton.builder()
                    .text("Buy " + p.title() + " — " + p.priceStars() + " ⭐").callbackData("buy:" + p.id()).build()));
        }
        send(replies, chatId, SendMessage.builder().chatId(chatId).text(text.toString())
                .replyMarkup(new InlineKeyboardMarkup(rows)).build());
    }

    private void callback(DeliveringTelegramClient replies, CallbackQuery query) {
        answer(AnswerCallbackQuery.builder().callbackQueryId(query.getId()).build());
        String data = query.getData() == null ? "" : query.getData();
        long chatId = query.getMessage() != null ? query.getMessage().getChatId() : query.getFrom().getId();
        if (data.startsWith("buy:")) {
            catalog.find(data.substring(4)).ifPresentOrElse(p -> sendInvoice(replies, chatId, p),
                    () -> reply(replies, chatId, "That product is no longer for sale. Send /start to see the catalog."));
        }
    }

    private void sendInvoice(DeliveringTelegramClient replies, long chatId, Product p) {
        send(replies, chatId, SendInvoice.builder()
                .chatId(chatId)
                .title(p.title())
                .description(p.description())
                .payload(InvoicePayload.of(p.id()))
                .providerToken("")
                .currency(CURRENCY_STARS)
                .price(new LabeledPrice(p.title(), p.priceStars()))
                .build());
    }

    private void preCheckout(PreCheckoutQuery query) {
        Optional<Product> product = InvoicePayload.productId(query.getInvoicePayload()).flatMap(catalog::find);
        boolean ok = product.isPresent() && CURRENCY_STARS.equals(query.getCurrency())
                && Objects.equals(query.getTotalAmount(), product.get().priceStars());
        AnswerPreCheckoutQuery.AnswerPreCheckoutQueryBuilder<?, ?> answer = AnswerPreCheckoutQuery.builder()
                .preCheckoutQueryId(query.getId()).ok(ok);
        if (!ok) {
            answer.errorMessage("This product or its price has changed. Please send /start and buy again.");
        }
        answer(answer.build());
    }

    private void paid(DeliveringTelegramClient replies, long chatId, SuccessfulPayment payment) {
        String chargeId = payment.getTelegramPaymentChargeId();
        Optional<Product> product = InvoicePayload.productId(payment.getInvoicePayload()).flatMap(catalog::find);
        if (product.isEmpty()) {
            // Telegram took the payment for a product no longer configured: an admin must sort it out by hand.
            log.error("payment {} in chat {} is for unknown product payload '{}'; nothing delivered",
                    chargeId, chatId, payment.getInvoicePayload());
            reply(replies, chatId, "Thank you for your payment " + chargeId + ". We could not find the product; an admin will contact you.");
            return;
        }
        PackOrder order = new PackOrder(chatId, chargeId, product.get());
        int created;
        try {
            // returns once every part is stored; throws (update left unconfirmed) if the store keeps failing
            created = payments.store(order);
        } catch (InvalidDeliveryException e) {
            log.error("the pack of {} cannot be delivered ({}); fix the product's media in the config", product.get().id(), e.getMessage());
            return;
        }
        if (created == 0) {
            log.info("payment {} in chat {} seen again: its pack is already queued or delivered", chargeId, chatId);
        } else {
            log.info("payment {} in chat {}: {} deliveries queued for {}", chargeId, chatId, created, product.get().id());
        }
    }

    private void reply(DeliveringTelegramClient replies, long chatId, String text) {
        send(replies, chatId, SendMessage.builder().chatId(chatId).text(text).build());
    }

    /**
     * Hands a reply to the engine and returns: it arrives after the chat's earlier replies and deliveries. One that
     * cannot be delivered (the user blocked the bot, or it was not sent within the client's cap) is logged: the user
     * can ask again, unlike a paid pack, whose failure reaches the admins.
     */
    private <T extends Serializable> void send(DeliveringTelegramClient replies, long chatId, BotApiMethod<T> message) {
        try {
            replies.executeAsync(message).whenComplete((sent, error) -> {
                if (error != null) {
                    Throwable cause = error.getCause() != null ? error.getCause() : error;
                    log.warn("reply {} to chat {} not delivered: {}", message.getMethod(), chatId,
                            Redaction.redact(cause.getMessage()));
                }
            });
        } catch (TelegramApiException e) {
            log.warn("reply {} to chat {} refused before sending: {}", message.getMethod(), chatId,
                    Redaction.redact(e.getMessage()));
        }
    }

    /**
     * Answers a query (pre-checkout, callback): not a message, so it takes no slot and passes straight to Telegram,
     * after any bot-wide 429 pause. Telegram wants the answer within 10 seconds, so it is not queued.
     */
    private void answer(BotApiMethod<Boolean> answer) {
        try {
            client.execute(answer);
        } catch (TelegramApiException e) {
            log.warn("{} failed: {}", answer.getMethod(), Redaction.redact(e.toString()));
        }
    }

    private static long routingKey(Update u) {
        if (u.hasMessage()) {
            return u.getMessage().getChatId();
        }
        if (u.hasCallbackQuery() && u.getCallbackQuery().getFrom() != null) {
            return u.getCallbackQuery().getFrom().getId();
        }
        if (u.hasPreCheckoutQuery() && u.getPreCheckoutQuery().getFrom() != null) {
            return u.getPreCheckoutQuery().getFrom().getId();
        }
        return u.getUpdateId() == null ? 0 : u.getUpdateId();
    }

    /** Finishes the updates already taken (so no paid update is dropped), waiting up to {@code grace}. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    public void close(Duration grace) {
        stripes.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ExecutorService stripe : stripes) {
            try {
                if (!stripe.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.warn("updates still being handled after {}; stopping anyway", grace);
                    stripe.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stripe.shutdownNow();
            }
        }
    }
}
