package io.botdelivery.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What users do, as the bot sees it through {@code getUpdates} or its webhook: tests inject a user's message, a
 * pre-checkout query or a successful payment, and read how the bot answered pre-checkout queries. Thread-safe.
 *
 * <p>Webhook delivery works like Telegram's: while a webhook is set, {@code getUpdates} answers 409 Conflict and one
 * thread POSTs the queued updates as JSON to the URL, oldest first and one at a time, with the header
 * {@code X-Telegram-Bot-Api-Secret-Token} when {@code setWebhook} had a {@code secret_token}. An update leaves the queue
 * only when the bot's server answers 2xx; any other status, a timeout or a connection error leaves it first in line and
 * it is posted again after {@link SimulatorConfig#webhookRetryDelay()} (so nothing after it overtakes it). Updates of a
 * kind not in the webhook's {@code allowed_updates} are dropped, as Telegram does. Unlike Telegram, plain {@code http}
 * URLs on any port are accepted (the bot under test listens on 127.0.0.1).
 */
public final class SimulatedUpdates {
    /** The header Telegram sets to the webhook's secret token. */
    public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    /** Telegram's rule for secret_token: 1 to 256 characters, letters, digits, _ and -. */
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(60);

    /** The bot's answer to a pre-checkout query. */
    public record PreCheckoutAnswer(String queryId, boolean ok, String errorMessage) {
    }

    /**
     * One POST of an update to the webhook.
     *
     * @param updateId the update posted
     * @param status   the HTTP status the bot answered, or 0 when there was no answer (connection refused or reset,
     *                 timeout)
     * @param at       when the answer (or the failure) came
     */
    public record WebhookAttempt(long updateId, int status, Instant at) {
        public boolean delivered() {
            return status >= 200 && status < 300;
        }
    }

    /** A webhook as set; {@code secret} is null when none was given; {@code allowed} empty means every kind. */
    private record Webhook(URI url, String secret, Set<String> allowed) {
        boolean allows(ObjectNode update) {
            if (allowed.isEmpty()) {
                return true;
            }
            Iterator<String> fields = update.fieldNames();
            while (fields.hasNext()) {
                String field = fields.next();
                if (!field.equals("update_id") && allowed.contains(field)) {
                    return true;
                }
            }
            return false;
        }
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
    private final Duration webhookRetryDelay;
    private final List<WebhookAttempt> attempts = new ArrayList<>(); // guarded by lock
    private Webhook webhook; // guarded by lock; null while polling
    private String lastErrorMessage; // guarded by lock
    private Instant lastErrorDate; // guarded by lock
    private Thread deliverer; // guarded by lock; started with the first webhook
    private HttpClient http; // created with the deliverer
    private volatile boolean closed;

    SimulatedUpdates(SimulatedChats chats, Clock clock, Duration webhookRetryDelay) {
        this.chats = chats;
        this.clock = clock;
        this.webhookRetryDelay = webhookRetryDelay;
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
        lock.lock();
        try {
            return webhook == null ? "" : webhook.url().toString();
        } finally {
            lock.unlock();
        }
    }

    /** Every POST to a webhook so far, in order, with its outcome. */
    public List<WebhookAttempt> webhookAttempts() {
        lock.lock();
        try {
            return List.copyOf(attempts);
        } finally {
            lock.unlock();
        }
    }

    /** Updates not yet confirmed by a getUpdates offset or a webhook's 2xx answer. */
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
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            if (webhook != null) {
                throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", Map.of());
            }
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

    /**
     * setWebhook (an empty {@code url} deletes it, as Telegram does); returns whether a webhook is set now.
     *
     * @param allowedUpdates a JSON array of update kinds, or null/empty for every kind
     * @throws BotApiError 400 for a URL that is not http(s) or a secret Telegram would refuse
     */
    boolean setWebhook(String url, String secret, String allowedUpdates, boolean dropPending) {
        if (url == null || url.isBlank()) {
            deleteWebhook(dropPending);
            return false;
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw BotApiError.badRequest("bad webhook: invalid URL");
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw BotApiError.badRequest("bad webhook: An HTTPS URL must be provided for webhook");
        }
        String token = secret == null || secret.isEmpty() ? null : secret;
        if (token != null && !SECRET.matcher(token).matches()) {
            throw BotApiError.badRequest("secret token contains unallowed characters");
        }
        Set<String> allowed = allowedKinds(allowedUpdates);
        lock.lock();
        try {
            if (dropPending) {
                pending.clear();
            }
            webhook = new Webhook(uri, token, allowed);
            if (deliverer == null) {
                http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                deliverer = new Thread(this::deliverLoop, "simulator-webhook");
                deliverer.setDaemon(true);
                deliverer.start();
            }
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** deleteWebhook; returns whether one was set. */
    boolean deleteWebhook(boolean dropPending) {
        lock.lock();
        try {
            boolean wasSet = webhook != null;
            webhook = null;
            if (dropPending) {
                pending.clear();
            }
            arrived.signalAll();
            return wasSet;
        } finally {
            lock.unlock();
        }
    }

    /** getWebhookInfo's result. */
    ObjectNode webhookInfo() {
        lock.lock();
        try {
            ObjectNode info = Shapes.JSON.createObjectNode();
            info.put("url", webhook == null ? "" : webhook.url().toString());
            info.put("has_custom_certificate", false);
            info.put("pending_update_count", pending.size());
            if (webhook != null && lastErrorDate != null) {
                info.put("last_error_date", lastErrorDate.getEpochSecond());
                info.put("last_error_message", lastErrorMessage);
            }
            if (webhook != null && !webhook.allowed().isEmpty()) {
                ArrayNode kinds = info.putArray("allowed_updates");
                webhook.allowed().stream().sorted().forEach(kinds::add);
            }
            return info;
        } finally {
            lock.unlock();
        }
    }

    private static Set<String> allowedKinds(String json) {
        if (json == null || json.isBlank()) {
            return Set.of();
        }
        try {
            JsonNode kinds = Shapes.JSON.readTree(json);
            if (!kinds.isArray()) {
                throw BotApiError.badRequest("can't parse allowed updates JSON array");
            }
            List<String> names = new ArrayList<>();
            kinds.forEach(k -> names.add(k.asText()));
            return Set.copyOf(names);
        } catch (JsonProcessingException e) {
            throw BotApiError.badRequest("can't parse allowed updates JSON array");
        }
    }

    /** The webhook thread: posts the oldest update until it is taken, then the next. */
    private void deliverLoop() {
        while (!closed) {
            Webhook target;
            ObjectNode update;
            lock.lock();
            try {
                while (!closed && (webhook == null || pending.isEmpty())) {
                    arrived.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                target = webhook;
                pending.removeIf(u -> !target.allows(u));
                if (pending.isEmpty()) {
                    continue;
                }
                update = pending.get(0);
            } finally {
                lock.unlock();
            }
            int status = post(target, update);
            lock.lock();
            try {
                long id = update.get("update_id").asLong();
                attempts.add(new WebhookAttempt(id, status, clock.instant()));
                if (status >= 200 && status < 300) {
                    pending.remove(update);
                    continue;
                }
                lastErrorDate = clock.instant();
                lastErrorMessage = status == 0 ? "Connection refused" : "Wrong response from the webhook: " + status + " " + reason(status);
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(webhookRetryDelay.toMillis());
            } catch (InterruptedException e) {
                return; // close()
            }
        }
    }

    /** POSTs one update; returns the status, or 0 when no answer came. */
    private int post(Webhook target, ObjectNode update) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(target.url()).timeout(WEBHOOK_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Shapes.JSON.writeValueAsBytes(update)));
            if (target.secret() != null) {
                request.header(SECRET_HEADER, target.secret());
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "";
        };
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

    /** Ends every long poll and the webhook delivery at once, so the server can stop. */
    void close() {
        closed = true;
        Thread webhookThread;
        lock.lock();
        try {
            arrived.signalAll();
            webhookThread = deliverer;
        } finally {
            lock.unlock();
        }
        if (webhookThread != null) {
            webhookThread.interrupt();
        }
    }
}
