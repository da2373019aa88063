package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What users do, as the bot sees it through {@code getUpdates}: tests inject a user's message, a pre-checkout query or
 * a successful payment, and read how the bot answered pre-checkout queries. Thread-safe.
 */
public final class SimulatedUpdates {

    /** The bot's answer to a pre-checkout query. */
    public record PreCheckoutAnswer(String queryId, boolean ok, String errorMessage) {
    }

    private final SimulatedChats chats;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<ObjectNode> pending = new ArrayList<>(); // guarded by lock
    private final AtomicLong updateIds = new AtomicLong(100_000);
    private final AtomicLong queryIds = new AtomicLong(1);
    private final Map<String, PreCheckoutAnswer> answers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> openQueries = new ConcurrentHashMap<>();
    private volatile String webhookUrl = "";
    private volatile boolean closed;

    SimulatedUpdates(SimulatedChats chats, Clock clock) {
        this.chats = chats;
        this.clock = clock;
    }

    /** The user writes {@code text} to the bot in their private chat; a leading "/" makes it a command. Returns the update id. */
    public long userSends(long userId, String text) {
        return enqueue("message", withText(userMessage(userId), text));
    }

    /**
     * The user writes {@code text} in the group or supergroup {@code groupId} (a negative id) where the bot is a
     * member; a leading "/" makes it a command. Returns the update id.
     */
    public long userSendsInGroup(long groupId, long userId, String text) {
        if (groupId >= 0 || userId <= 0) {
            throw new IllegalArgumentException("a group id is negative and a user id positive");
        }
        SimulatedChats.Chat chat = chats.forUpdate(groupId);
        ObjectNode message = Shapes.userMessage(chat, userId, chat.nextMessageIds(1), clock.instant().getEpochSecond());
        return enqueue("message", withText(message, text));
    }

    private static ObjectNode withText(ObjectNode message, String text) {
        message.put("text", text);
        if (text.startsWith("/")) {
            int end = text.indexOf(' ');
            ObjectNode entity = message.putArray("entities").addObject();
            entity.put("type", "bot_command");
            entity.put("offset", 0);
            entity.put("length", end < 0 ? text.length() : end);
        }
        return message;
    }

    /** The user confirms paying an invoice; the bot must answer with answerPreCheckoutQuery. Returns the query id. */
    public String preCheckoutQuery(long userId, String currency, int totalAmount, String invoicePayload) {
        String queryId = String.valueOf(queryIds.incrementAndGet() * 7919);
        ObjectNode query = Shapes.JSON.createObjectNode();
        query.put("id", queryId);
        query.set("from", Shapes.user(userId));
        query.put("currency", currency);
        query.put("total_amount", totalAmount);
        query.put("invoice_payload", invoicePayload);
        openQueries.put(queryId, true);
        enqueue("pre_checkout_query", query);
        return queryId;
    }

    /** Telegram tells the bot that the user paid. Returns the update id. */
    public long successfulPayment(long userId, String currency, int totalAmount, String invoicePayload, String chargeId) {
        ObjectNode message = userMessage(userId);
        ObjectNode payment = message.putObject("successful_payment");
        payment.put("currency", currency);
        payment.put("total_amount", totalAmount);
        payment.put("invoice_payload", invoicePayload);
        payment.put("telegram_payment_charge_id", chargeId);
        payment.put("provider_payment_charge_id", "");
        return enqueue("message", message);
    }

    /** How the bot answered a pre-checkout query, if it did. */
    public Optional<PreCheckoutAnswer> answerTo(String queryId) {
        return Optional.ofNullable(answers.get(queryId));
    }

    /** The webhook URL the bot set, or "" when it polls. */
    public String webhookUrl() {
        return webhookUrl;
    }

    /** Updates not yet confirmed by a getUpdates offset. */
    public int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** getUpdates: confirms updates below {@code offset}, then waits up to {@code timeout} for at least one. */
    ArrayNode poll(long offset, int limit, Duration timeout) throws InterruptedException {
        if (!webhookUrl.isEmpty()) {
            throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", Map.of());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            pending.removeIf(u -> u.get("update_id").asLong() < offset);
            while (pending.isEmpty() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                arrived.awaitNanos(left);
                pending.removeIf(u -> u.get("update_id").asLong() < offset);
            }
            ArrayNode result = Shapes.JSON.createArrayNode();
            pending.stream().limit(limit).forEach(result::add);
            return result;
        } finally {
            lock.unlock();
        }
    }

    void answer(String queryId, boolean ok, String errorMessage) {
        if (openQueries.remove(queryId) == null) {
            throw BotApiError.badRequest("query is too old and response timeout expired or query ID is invalid");
        }
        if (!ok && (errorMessage == null || errorMessage.isBlank())) {
            throw BotApiError.badRequest("error_message must be non-empty if ok is false");
        }
        answers.put(queryId, new PreCheckoutAnswer(queryId, ok, ok ? null : errorMessage));
    }

    void webhook(String url) {
        webhookUrl = url == null ? "" : url;
    }

    private ObjectNode userMessage(long userId) {
        if (userId <= 0) {
            throw new IllegalArgumentException("a user id is positive");
        }
        SimulatedChats.Chat chat = chats.forUpdate(userId);
        return Shapes.userMessage(chat, userId, chat.nextMessageIds(1), clock.instant().getEpochSecond());
    }

    private long enqueue(String field, ObjectNode content) {
        long id = updateIds.incrementAndGet();
        ObjectNode update = Shapes.JSON.createObjectNode();
        update.put("update_id", id);
        update.set(field, content);
        lock.lock();
        try {
            pending.add(update);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        return id;
    }

    /** Ends every long poll at once, so the server can stop. */
    void close() {
        closed = true;
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
