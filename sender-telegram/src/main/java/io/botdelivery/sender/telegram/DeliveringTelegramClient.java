package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
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
import java.util.concurrent.ExecutionException;

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
 * answer pauses the scope {@link #withRetryAfterScope} names, as the engine's would, and reaches the caller). For durable uploads submit {@code Payload.photo(…)}
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
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(60);
    /** {@code send…} methods that put no message in the chat. */
    private static final Set<String> NOT_MESSAGES = Set.of("sendChatAction", "sendGift", "sendMessageDraft");
    /** The business reference of every delivery this client submits, followed by the method's name. */
    public static final String REFERENCE_PREFIX = "telegram-client:";

    private final TelegramClient plain;
    private final DeliveryService engine;
    private final SentAnswers answers;
    private final RateLimiter limiter;
    private final Duration maxWait;
    private final Priority priority;
    /** The keys of this view's engine sends, in call order; null: a random key per send. */
    private final IdempotencyKeySequence keys;
    private final RetryAfterScopePolicy retryAfterScope;
    private final DirectCalls directCalls;
    private final EngineCalls engineCalls;

    private DeliveringTelegramClient(TelegramClient plain, DeliveryService engine, SentAnswers answers,
                                     RateLimiter limiter, Duration maxWait, Priority priority, IdempotencyKeySequence keys,
                                     RetryAfterScopePolicy retryAfterScope) {
        this.plain = Objects.requireNonNull(plain, "plain");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.answers = Objects.requireNonNull(answers, "answers");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.priority = Objects.requireNonNull(priority, "priority");
        this.keys = keys;
        this.retryAfterScope = Objects.requireNonNull(retryAfterScope, "retryAfterScope");
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive");
        }
        this.directCalls = new DirectCalls(limiter, maxWait, retryAfterScope);
        this.engineCalls = new EngineCalls(engine, answers, maxWait, priority, keys, directCalls);
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
                null, RetryAfterScopePolicy.PRIVATE_CHAT_IS_GLOBAL);
    }

    /** A client like this one whose sends wait at most {@code maxWait} for their delivery. */
    public DeliveringTelegramClient withMaxWait(Duration maxWait) {
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, keys, retryAfterScope);
    }

    /** A client like this one whose sends are submitted at {@code priority} (default HIGH: a user is waiting). */
    public DeliveringTelegramClient withPriority(Priority priority) {
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, keys, retryAfterScope);
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
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, new IdempotencyKeySequence(prefix),
                retryAfterScope);
    }

    /**
     * A client like this one whose direct sends (new uploads, sends while the store is unreachable) pause the scope
     * {@code policy} names when Telegram answers 429. Give it the engine's {@code EngineConfig.retryAfterScope()} when
     * that is not the default ({@link RetryAfterScopePolicy#PRIVATE_CHAT_IS_GLOBAL}), so the two never disagree.
     */
    public DeliveringTelegramClient withRetryAfterScope(RetryAfterScopePolicy policy) {
        return new DeliveringTelegramClient(plain, engine, answers, limiter, maxWait, priority, keys, policy);
    }

    /** The longest prefix {@link #withIdempotencyKeys} takes: room for {@code :<number>} within a key's limit. */
    public static final int MAX_KEY_PREFIX_LENGTH = IdempotencyKey.MAX_LENGTH - 12;

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
        Optional<Long> chatId = MethodChats.messageChat(method);
        if (chatId.isEmpty()) {
            return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
        }
        return engineCalls.deliver(chatId.get(), method, () -> plain.executeAsync(method));
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
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetBusinessAccountProfilePhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetBusinessAccountProfilePhoto method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetMyProfilePhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetMyProfilePhoto method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetChatPhoto method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetChatPhoto method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(AddStickerToSet method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(AddStickerToSet method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(ReplaceStickerInSet method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(ReplaceStickerInSet method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(SetStickerSetThumbnail method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(SetStickerSetThumbnail method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Boolean execute(CreateNewStickerSet method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Boolean> executeAsync(CreateNewStickerSet method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public File execute(UploadStickerFile method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<File> executeAsync(UploadStickerFile method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
    }

    @Override
    public Serializable execute(EditMessageMedia method) throws TelegramApiException {
        return await(executeAsync(method));
    }

    @Override
    public CompletableFuture<Serializable> executeAsync(EditMessageMedia method) {
        return directCalls.afterGlobalPause(() -> plain.executeAsync(method));
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

    /** An upload-capable send: through the engine when it names its files by id or URL, else a direct send in budget. */
    private <T extends Serializable> CompletableFuture<T> partial(PartialBotApiMethod<T> method,
                                                                   DirectCalls.PlainCall<T> direct) {
        Objects.requireNonNull(method, "method");
        try {
            method.validate();
        } catch (TelegramApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        Optional<Long> chatId = MethodChats.numericChat(MethodChats.chatIdOf(method));
        if (chatId.isEmpty()) {
            return directCalls.afterGlobalPause(direct);
        }
        try {
            TelegramDeliveries.payload(method);
        } catch (InvalidDeliveryException upload) {
            return directCalls.inBudget(chatId.get(), MethodChats.messagesIn(method), direct);
        }
        return engineCalls.deliver(chatId.get(), method, direct);
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
