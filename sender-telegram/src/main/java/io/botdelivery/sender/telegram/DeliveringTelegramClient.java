package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.api.Submission;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.api.Redaction;
import io.botdelivery.core.spi.Reservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.SetMyProfilePhoto;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.api.methods.business.SetBusinessAccountProfilePhoto;
import org.telegram.telegrambots.meta.api.methods.groupadministration.SetChatPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendAnimation;
import org.telegram.telegrambots.meta.api.methods.send.SendAudio;
import org.telegram.telegrambots.meta.api.methods.send.SendDocument;
import org.telegram.telegrambots.meta.api.methods.send.SendLivePhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;
import org.telegram.telegrambots.meta.api.methods.send.SendPaidMedia;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.send.SendSticker;
import org.telegram.telegrambots.meta.api.methods.send.SendVideo;
import org.telegram.telegrambots.meta.api.methods.send.SendVideoNote;
import org.telegram.telegrambots.meta.api.methods.send.SendVoice;
import org.telegram.telegrambots.meta.api.methods.stickers.AddStickerToSet;
import org.telegram.telegrambots.meta.api.methods.stickers.CreateNewStickerSet;
import org.telegram.telegrambots.meta.api.methods.stickers.ReplaceStickerInSet;
import org.telegram.telegrambots.meta.api.methods.stickers.SetStickerSetThumbnail;
import org.telegram.telegrambots.meta.api.methods.stickers.UploadStickerFile;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageMedia;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.io.InputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TelegramBots {@link TelegramClient} that sends every message through the delivery engine: wrap the client an
 * existing bot already uses, and its {@code execute(SendMessage)}, {@code execute(SendSticker)},
 * {@code execute(SendInvoice)}, {@code copyMessage}… take their slot from the shared limiter, keep each chat's order
 * with the deliveries already queued, and get the engine's classified retries and 429 handling, while the code that
 * calls them does not change.
 *
 * <p><b>What goes through the engine.</b> A call whose Bot API method sends messages ({@code send…} except
 * {@code sendChatAction}, {@code copyMessage(s)}, {@code forwardMessage(s)}) to a numeric {@code chat_id}: it is
 * submitted as a {@link Payload.BotApiCall} (see {@link TelegramDeliveries}) at {@link Priority#HIGH} (someone is
 * waiting for it), and the call waits for the delivery's outcome up to the client's cap. {@code execute} returns
 * what Telegram answered, deserialized by the method itself (the {@code Message} of a {@code SendMessage}), exactly as
 * the plain client would; {@code executeAsync} returns a future of it.
 *
 * <p><b>What passes through.</b> Everything else (getMe, answerCallbackQuery, answerPreCheckoutQuery, edits, file
 * downloads, sendChatAction, a send to an {@code @channelusername}) goes to the wrapped client: Telegram does not count
 * them as messages, so they take no message slot. Bot API calls among them first wait out a bot-wide 429 pause in
 * force ({@link RateLimiter#globalPause()}): a call made during Telegram's ban would only extend it. A send with a new
 * upload ({@code new InputFile(file)}) cannot be stored as a Bot API call; it takes its slot from the limiter and goes
 * to the wrapped client (within the budget, but not durable and not ordered with the chat's queued deliveries; a 429
 * answer pauses the chat in the limiter and reaches the caller). For durable uploads submit {@code Payload.photo(…)}
 * with a {@code MediaSource} instead.
 *
 * <p><b>The cap.</b> A send not delivered within {@link #withMaxWait the cap} (default 60 s) is cancelled if it was
 * not sent yet, and the caller gets an {@link UndeliveredException}; one that could not be cancelled may still arrive
 * ({@link UndeliveredException#mayStillArrive()}). A FAILED or CANCELLED delivery is an {@link UndeliveredException}
 * too, carrying the delivery and its last error.
 *
 * <p><b>Where the answer comes from.</b> The {@link TelegramSender} the engine sends with keeps Telegram's answer for
 * the waiting caller ({@link SentAnswers}). When the delivery was sent by another engine instance (it was not leased
 * here, e.g. this engine had no room) the answer is not here: the result then carries only what the delivery recorded
 * (message ids and the chat). So pass the sender of the engine you pass.
 *
 * <p>Each delivery carries the business reference {@code telegram-client:<method>} ({@link #isClientCall}), so
 * monitoring and notifiers can tell a bot's direct calls from its queued work.
 *
 * <p>Thread-safe; holds no thread while a call waits for its slot (the engine waits on timers).
 */
public final class DeliveringTelegramClient implements TelegramClient {
    private static final Logger log = LoggerFactory.getLogger(DeliveringTelegramClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(60);
    /** {@code send…} methods that put no message in the chat. */
    private static final Set<String> NOT_MESSAGES = Set.of("sendChatAction", "sendGift", "sendMessageDraft");
    /** The business reference of every delivery this client submits, followed by the method's name. */
    public static final String REFERENCE_PREFIX = "telegram-client:";
    /** Methods whose answer is an array (of Message or MessageId). */
    private static final Set<String> ARRAY_ANSWERS = Set.of("sendMediaGroup", "copyMessages", "forwardMessages");

    private final TelegramClient plain;
    private final DeliveryService engine;
    private final SentAnswers answers;
    private final RateLimiter limiter;
    private final Duration maxWait;
    private final Priority priority;
    /** The keys of this view's engine sends, in call order; null: a random key per send. */
    private final KeySequence keys;

    private DeliveringTelegramClient(TelegramClient plain, DeliveryService engine, SentAnswers answers,
                                     RateLimiter limiter, Duration maxWait, Priority priority, KeySequence keys) {
        this.plain = Objects.requireNonNull(plain, "plain");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.priority = Objects.requireNonNull(priority, "priority");
        this.keys = keys;
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive");
        }
    }

    /**
     * Wraps {@code plain}: message sends go to {@code engine}, everything else to {@code plain}.
     *
     * @param plain   the bot's TelegramBots client (the same token); it sends what passes through
     * @param engine  the started delivery engine
     * @param sender  the sender {@code engine} sends with: it keeps Telegram's answers for the waiting callers
     * @param limiter the limiter {@code engine} uses: uploads take their slot from it and pass-through calls honour
     *                its bot-wide pause
     */
    public static DeliveringTelegramClient wrap(TelegramClient plain, DeliveryService engine, TelegramSender sender,
                                                RateLimiter limiter) {
        return new DeliveringTelegramClient(plain, engine, sender.answers(), limiter, DEFAULT_MAX_WAIT, Priority.HIGH,
                null);
    }

    /** A client like this one whose sends wait at most {@code maxWait} for their delivery. */
    public DeliveringTelegramClient withMaxWait(Duration maxWait) {
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, keys);
    }

    /** A client like this one whose sends are submitted at {@code priority} (default HIGH: a user is waiting). */
    public DeliveringTelegramClient withPriority(Priority priority) {
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, keys);
    }

    /**
     * A client like this one whose sends through the engine carry the idempotency keys {@code prefix:1},
     * {@code prefix:2}, … in the order they are made (each view counts from 1; other calls take no number). Make one
     * per incoming update, e.g. with the prefix {@code "update:" + updateId}: when the same update is handled again
     * (Telegram resends a webhook request whose 200 was lost; a poller crashed before confirming the offset), the same
     * handling makes the same keys and the store takes none of them twice, so the chat is answered once. A send whose
     * key was already stored returns the outcome of the delivery stored under it. Without this view every send gets a
     * random key.
     *
     * @param prefix at most {@value #MAX_KEY_PREFIX_LENGTH} characters, unique per incoming event
     */
    public DeliveringTelegramClient withIdempotencyKeys(String prefix) {
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, new KeySequence(prefix));
    }

    /** The longest prefix {@link #withIdempotencyKeys} takes: room for {@code :<number>} within a key's limit. */
    public static final int MAX_KEY_PREFIX_LENGTH = IdempotencyKey.MAX_LENGTH - 12;

    /** {@code prefix:1}, {@code prefix:2}, …: one view's keys in call order. */
    private static final class KeySequence {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        KeySequence(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isBlank() || prefix.length() > MAX_KEY_PREFIX_LENGTH) {
                throw new IllegalArgumentException("an idempotency key prefix is 1 to " + MAX_KEY_PREFIX_LENGTH
                        + " characters, not blank");
            }
            this.prefix = prefix;
        }

        IdempotencyKey next() {
            return IdempotencyKey.of(prefix + ":" + next.incrementAndGet());
        }
    }

    /**
     * Whether {@code delivery} was submitted by a DeliveringTelegramClient call ({@code businessReference}
     * {@code telegram-client:<method>}): its caller got its outcome (the answer, or an {@link UndeliveredException}),
     * so a notifier may leave its failure to that caller rather than alert the admins.
     */
    public static boolean isClientCall(Delivery delivery) {
        String reference = delivery.request().businessReference();
        return reference != null && reference.startsWith(REFERENCE_PREFIX);
    }

    /** Whether the engine sends {@code method}: it puts messages in a chat (the rest passes through). */
    static boolean isMessageSend(String method) {
        return (method.startsWith("send") && !NOT_MESSAGES.contains(method))
                || method.equals("copyMessage") || method.equals("copyMessages")
                || method.equals("forwardMessage") || method.equals("forwardMessages");
    }

    // ---- the generic methods: every BotApiMethod (sendMessage, sendSticker, sendInvoice, copyMessage, getMe…)

    @Override
    public <T extends Serializable, Method extends BotApiMethod<T>> T execute(Method method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public <T extends Serializable, Method extends BotApiMethod<T>> CompletableFuture<T> executeAsync(Method method)
            throws TelegramApiException {
        Objects.requireNonNull(method, "method");
        method.validate();
        Optional<Long> chatId = messageChat(method);
        if (chatId.isEmpty()) {
            return afterGlobalPause(() -> plain.executeAsync(method));
        }
        return deliver(chatId.get(), method, () -> plain.executeAsync(method));
    }

    // ---- the upload-capable methods: through the engine unless they carry a new upload

    @Override
    public Message execute(SendDocument method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendDocument method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendPhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendPhoto method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendVideo method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendVideo method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendVideoNote method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendVideoNote method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendSticker method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendSticker method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendAudio method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendAudio method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendVoice method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendVoice method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendAnimation method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendAnimation method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendLivePhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendLivePhoto method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public Message execute(SendPaidMedia method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Message> executeAsync(SendPaidMedia method) {
        return partial(method, () -> plain.executeAsync(method));
    }

    @Override
    public List<Message> execute(SendMediaGroup method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<List<Message>> executeAsync(SendMediaGroup method) {
        // TelegramBots reads an album's answer as an ArrayList; its client hands it out as a List
        return this.<java.util.ArrayList<Message>>partial(method,
                () -> plain.executeAsync(method).thenApply(java.util.ArrayList::new)).thenApply(list -> list);
    }

    // ---- not messages: straight to the wrapped client, after a bot-wide pause in force

    @Override
    public Boolean execute(SetWebhook method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetWebhook method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetBusinessAccountProfilePhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetBusinessAccountProfilePhoto method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetMyProfilePhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetMyProfilePhoto method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetChatPhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetChatPhoto method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(AddStickerToSet method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(AddStickerToSet method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(ReplaceStickerInSet method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(ReplaceStickerInSet method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetStickerSetThumbnail method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetStickerSetThumbnail method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(CreateNewStickerSet method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(CreateNewStickerSet method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public File execute(UploadStickerFile method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<File> executeAsync(UploadStickerFile method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Serializable execute(EditMessageMedia method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Serializable> executeAsync(EditMessageMedia method) {
        return afterGlobalPause(() -> plain.executeAsync(method));
    }

    /** File downloads are not Bot API calls (they go to the file server): no pause applies. */
    @Override
    public java.io.File downloadFile(File file) throws TelegramApiException {
        return plain.downloadFile(file);
    }

    @Override
    public InputStream downloadFileAsStream(File file) throws TelegramApiException {
        return plain.downloadFileAsStream(file);
    }

    @Override
    public CompletableFuture<java.io.File> downloadFileAsync(File file) {
        return plain.downloadFileAsync(file);
    }

    @Override
    public CompletableFuture<InputStream> downloadFileAsStreamAsync(File file) {
        return plain.downloadFileAsStreamAsync(file);
    }

    // ---- the engine path

    /** The numeric chat a message send goes to, or empty when the method passes through. */
    private static Optional<Long> messageChat(BotApiMethod<?> method) {
        if (!isMessageSend(method.getMethod())) {
            return Optional.empty();
        }
        JsonNode chat = JSON.valueToTree(method).get("chat_id");
        return numericChat(chat == null ? null : chat.asText());
    }

    private static Optional<Long> numericChat(String chatId) {
        if (chatId == null) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(chatId.strip());
            return id == 0 ? Optional.empty() : Optional.of(id);
        } catch (NumberFormatException e) {
            // "@channelusername": the engine's per-chat budget and order need the numeric id
            return Optional.empty();
        }
    }

    /** An upload-capable send: through the engine when it names its files by id or URL, else a direct send in budget. */
    private <T extends Serializable> CompletableFuture<T> partial(PartialBotApiMethod<T> method,
                                                                   PlainCall<T> direct) {
        Objects.requireNonNull(method, "method");
        try {
            method.validate();
        } catch (TelegramApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        Optional<Long> chatId = numericChat(chatIdOf(method));
        if (chatId.isEmpty()) {
            return afterGlobalPause(direct);
        }
        try {
            TelegramDeliveries.payload(method);
        } catch (InvalidDeliveryException upload) {
            return directInBudget(chatId.get(), messagesIn(method), direct);
        }
        return deliver(chatId.get(), method, direct);
    }

    /** How many messages Telegram counts for {@code method}: an album's items, else one. */
    private static int messagesIn(PartialBotApiMethod<?> method) {
        return method instanceof SendMediaGroup group ? group.getMedias().size() : 1;
    }

    /** The {@code chatId} every upload-capable TelegramBots method has, read by name (they share no interface). */
    private static String chatIdOf(PartialBotApiMethod<?> method) {
        try {
            Object id = method.getClass().getMethod("getChatId").invoke(method);
            return id == null ? null : id.toString();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * Through the engine. When the store cannot take the delivery (it is unreachable), the call goes out directly in
     * budget instead, as an upload does: an interactive answer, or an admin's alert that the store is down, is worth
     * more now than durable later; it is then neither stored nor ordered behind the chat's queued deliveries.
     */
    private <T extends Serializable> CompletableFuture<T> deliver(long chatId, PartialBotApiMethod<T> method,
                                                                   PlainCall<T> direct) {
        Submission submission;
        try {
            DeliveryRequest.Builder builder = TelegramDeliveries.builder(chatId, method).priority(priority)
                    .businessReference(REFERENCE_PREFIX + method.getMethod());
            if (keys != null) {
                builder.idempotencyKey(keys.next());
            }
            DeliveryRequest request = builder.build();
            submission = engine.submit(request);
        } catch (InvalidDeliveryException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("the engine refused " + method.getMethod()
                    + ": " + e.getMessage(), e));
        } catch (RetryStoreException e) {
            log.warn("the store did not take {} for chat {} ({}); sending it directly within the budget",
                    method.getMethod(), chatId, Redaction.redact(e.getMessage()));
            return directInBudget(chatId, messagesIn(method), direct);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("the delivery engine is shutting down; "
                    + method.getMethod() + " was not sent", e));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        submission.outcome().toCompletableFuture()
                .orTimeout(maxWait.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((delivery, error) -> {
                    try {
                        result.complete(answer(method, submission, delivery, error));
                    } catch (TelegramApiException | RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
        return result;
    }

    private <T extends Serializable> T answer(PartialBotApiMethod<T> method, Submission submission, Delivery delivery,
                                              Throwable error) throws TelegramApiException {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                boolean cancelled = engine.cancel(submission.id());
                throw new UndeliveredException(method.getMethod() + " was not sent within " + maxWait
                        + (cancelled ? "; cancelled, it will not be sent" : "; it may still arrive"),
                        submission.id(), null, !cancelled);
            }
            // the engine closed before the outcome was known here
            throw new UndeliveredException(method.getMethod() + ": " + cause.getMessage(), submission.id(), null, true);
        }
        if (delivery.status() != DeliveryStatus.DELIVERED) {
            throw new UndeliveredException(method.getMethod() + " " + delivery.status()
                    + (delivery.lastError() == null ? "" : ": " + delivery.lastError()), submission.id(), delivery, false);
        }
        Optional<String> answer = answers.take(submission.id());
        if (answer.isPresent()) {
            return method.deserializeResponse(answer.get());
        }
        log.debug("the answer to delivery {} is not in this process (sent by another instance?); answering with its ids",
                submission.id());
        return method.deserializeResponse(recordedAnswer(method.getMethod(), delivery));
    }

    /**
     * An answer made from what the delivery recorded: its message ids in its chat. Everything else Telegram said
     * (date, sender, entities) was not stored; this is the best this process can give.
     */
    private static String recordedAnswer(String method, Delivery delivery) {
        ObjectNode root = JSON.createObjectNode().put("ok", true);
        ArrayNode messages = JSON.createArrayNode();
        for (long id : delivery.messageIds()) {
            ObjectNode m = messages.addObject().put("message_id", id);
            // TelegramBots refuses a chat without its type; the id's sign tells private chats from the rest
            // (a "-100…" id may be a channel too: not recorded, so the closest guess)
            m.putObject("chat").put("id", delivery.chatId()).put("type", chatType(delivery.chatId()));
        }
        if (ARRAY_ANSWERS.contains(method)) {
            root.set("result", messages);
        } else if (!messages.isEmpty()) {
            root.set("result", messages.get(0));
        } else {
            root.put("result", true);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String chatType(long chatId) {
        if (chatId > 0) {
            return "private";
        }
        return chatId <= -1_000_000_000_000L ? "supergroup" : "group";
    }

    // ---- the direct paths

    /** A call of the wrapped client that may not be sent yet. */
    @FunctionalInterface
    private interface PlainCall<T> {
        CompletableFuture<T> call() throws TelegramApiException;
    }

    /** Runs {@code call} once no bot-wide 429 pause is in force: a call during Telegram's ban would extend it. */
    private <T> CompletableFuture<T> afterGlobalPause(PlainCall<T> call) {
        return after(limiter.globalPause(), call);
    }

    /**
     * A new upload: a slot from the shared limiter (the same budget as the engine's sends), then the wrapped client.
     * A 429 answer pauses the chat for every sender sharing the limiter and reaches the caller.
     */
    private <T> CompletableFuture<T> directInBudget(long chatId, int weight, PlainCall<T> call) {
        Reservation reservation;
        try {
            reservation = limiter.reserve(new RateRequest(chatId, weight, false), maxWait);
        } catch (RateLimiterUnavailableException e) {
            return CompletableFuture.failedFuture(new TelegramApiException("no rate-limit decision: " + e.getMessage(), e));
        }
        if (reservation instanceof Reservation.Denied denied) {
            return CompletableFuture.failedFuture(new TelegramApiException("no slot for chat " + chatId + " within "
                    + maxWait + " (" + denied + ")"));
        }
        Duration delay = ((Reservation.Granted) reservation).delay();
        Duration pause = limiter.globalPause();
        return this.<T>after(delay.compareTo(pause) >= 0 ? delay : pause, call).whenComplete((ok, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TelegramApiRequestException e && e.getParameters() != null
                    && e.getParameters().getRetryAfter() != null) {
                limiter.penalize(LimitScope.chat(chatId), Duration.ofSeconds(e.getParameters().getRetryAfter()));
            }
        });
    }

    private static <T> CompletableFuture<T> after(Duration delay, PlainCall<T> call) {
        if (delay.isZero() || delay.isNegative()) {
            return start(call);
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS))
                .thenCompose(ignored -> start(call));
    }

    private static <T> CompletableFuture<T> start(PlainCall<T> call) {
        try {
            return call.call();
        } catch (TelegramApiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Waits for {@code future} and throws what the wrapped client would have thrown. */
    private static <T> T await(CompletableFuture<T> future) throws TelegramApiException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TelegramApiException("interrupted while waiting for the delivery", e);
        } catch (CancellationException e) {
            throw new TelegramApiException("the call was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TelegramApiException t) {
                throw t;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new TelegramApiException(cause);
        }
    }
}
