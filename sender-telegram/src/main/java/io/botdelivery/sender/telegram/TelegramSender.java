package io.botdelivery.sender.telegram;

import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Redaction;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.MessageId;
import org.telegram.telegrambots.meta.api.objects.message.Message;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Sender} on the TelegramBots client: sends every payload kind (uploads from bytes or a path, URLs, file ids,
 * albums mixing them), classifies Telegram's answers (docs/design.md, "Error classes"), and remembers the file ids of
 * uploads so the same file is uploaded once.
 *
 * <p>Deviations the port allows: a cached file id Telegram calls stale is dropped and the send repeated once with the
 * original upload. A 429 is attributed to the recipient chat's scope: Telegram does not say which budget it hit, and
 * the engine's limiter keeps the bot-wide one. Thread-safe; {@link #close()} releases the HTTP client.
 */
public final class TelegramSender implements Sender, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelegramSender.class);

    private final TelegramApi api;
    private final FileIdCache cache;
    private final String description;
    /** Telegram's answers to Bot API calls, kept briefly for a caller waiting in this process ({@link DeliveringTelegramClient}). */
    private final SentAnswers answers = new SentAnswers(SentAnswers.DEFAULT_CAPACITY);

    public TelegramSender(TelegramSenderConfig config) {
        this(config, (OkHttpClient) null);
    }

    /**
     * A sender on the application's OkHttp client: it shares {@code http}'s connection pool and dispatcher (see
     * {@link OkHttpClient#newBuilder()}), so the bot keeps one HTTP client per token. The sender still sets its own
     * timeouts, turns off OkHttp's silent retries and redirects, and adds its wire tracking, on its derived client only.
     * {@link #close()} leaves {@code http}'s connections and threads to the application.
     *
     * @param http the application's client, or {@code null} for a client of the sender's own
     */
    public TelegramSender(TelegramSenderConfig config, OkHttpClient http) {
        this(config, new TelegramApi(config, http));
    }

    /** A sender on its injector's client, shared with the notifier ({@link TelegramSenderModule}). */
    TelegramSender(TelegramSenderConfig config, SharedBotApiClient http) {
        this(config, new TelegramApi(config, http));
    }

    private TelegramSender(TelegramSenderConfig config, TelegramApi api) {
        this.api = api;
        this.cache = new FileIdCache(config.fileIdCacheSize());
        this.description = "TelegramSender[" + config.apiUrl() + ", bot " + Redaction.maskToken(config.token()) + "]";
    }

    @Override
    public SendOutcome send(SendRequest request) {
        Payload payload = request.payload();
        if (payload instanceof Payload.Text text) {
            return outcome(api.call(TelegramRequests.text(request.chatId(), text, request.allowPaidBroadcast())), request);
        }
        if (payload instanceof Payload.Media media) {
            return sendMedia(request, media);
        }
        if (payload instanceof Payload.Album album) {
            return sendAlbum(request, album);
        }
        if (payload instanceof Payload.BotApiCall call) {
            BotApiCallMethod method = new BotApiCallMethod(request.chatId(), call);
            TelegramApi.Result<BotApiCallMethod.SentIds> result = api.call(client -> client.execute(method));
            if (result instanceof TelegramApi.Result.Ok<BotApiCallMethod.SentIds> ok) {
                answers.offer(request.deliveryId(), ok.value().answer());
                return new SendOutcome.Delivered(ok.value().ids());
            }
            return failure(((TelegramApi.Result.Failed<BotApiCallMethod.SentIds>) result).failure(), request);
        }
        if (payload instanceof Payload.Copy copy) {
            TelegramApi.Result<MessageId> result = api.call(TelegramRequests.copy(request.chatId(), copy,
                    request.allowPaidBroadcast()));
            if (result instanceof TelegramApi.Result.Ok<MessageId> ok) {
                return new SendOutcome.Delivered(List.of(ok.value().getMessageId()));
            }
            return failure(((TelegramApi.Result.Failed<MessageId>) result).failure(), request);
        }
        return outcome(api.call(TelegramRequests.other(request.chatId(), payload, request.allowPaidBroadcast())), request);
    }

    /** Telegram's recent answers to Bot API calls, for callers that wait for their delivery in this process. */
    SentAnswers answers() {
        return answers;
    }

    /** How many upload file ids are cached. */
    public int cachedFileIds() {
        return cache.size();
    }

    private SendOutcome sendMedia(SendRequest request, Payload.Media media) {
        Optional<SendOutcome> unreadable = unreadableUpload(media);
        if (unreadable.isPresent()) {
            return unreadable.get();
        }
        Optional<FileIdCache.Key> key = FileIdCache.keyOf(media.mediaKind(), media.source());
        Optional<String> cached = key.flatMap(cache::get);
        MediaSource source = cached.<MediaSource>map(MediaSource::fileId).orElse(media.source());
        TelegramApi.Result<Message> result = api.call(TelegramRequests.media(request.chatId(), media, source,
                request.allowPaidBroadcast()));
        if (cached.isPresent() && isStale(result)) {
            cache.drop(key.get());
            log.info("Telegram no longer knows the cached file_id of {} (delivery {}); uploading it again",
                    media.source(), request.deliveryId());
            result = api.call(TelegramRequests.media(request.chatId(), media, media.source(), request.allowPaidBroadcast()));
        }
        if (result instanceof TelegramApi.Result.Ok<Message> ok && key.isPresent()) {
            TelegramRequests.fileIdOf(ok.value(), media.mediaKind()).ifPresent(id -> cache.put(key.get(), id));
        }
        return outcome(result, request);
    }

    private SendOutcome sendAlbum(SendRequest request, Payload.Album album) {
        for (Payload.Media item : album.items()) {
            Optional<SendOutcome> unreadable = unreadableUpload(item);
            if (unreadable.isPresent()) {
                return unreadable.get();
            }
        }
        List<Optional<FileIdCache.Key>> keys = new ArrayList<>();
        List<Optional<String>> cached = new ArrayList<>();
        List<MediaSource> sources = new ArrayList<>();
        for (Payload.Media item : album.items()) {
            Optional<FileIdCache.Key> key = FileIdCache.keyOf(item.mediaKind(), item.source());
            Optional<String> id = key.flatMap(cache::get);
            keys.add(key);
            cached.add(id);
            sources.add(id.<MediaSource>map(MediaSource::fileId).orElse(item.source()));
        }
        boolean usedCache = cached.stream().anyMatch(Optional::isPresent);
        TelegramApi.Result<List<Message>> result = api.call(TelegramRequests.album(request.chatId(), album, sources,
                request.allowPaidBroadcast()));
        if (usedCache && isStale(result)) {
            // Telegram does not say which item was stale: forget every cached id of this album and upload them all
            keys.forEach(k -> k.ifPresent(cache::drop));
            log.info("Telegram no longer knows a cached file_id of album delivery {}; uploading its files again",
                    request.deliveryId());
            sources = album.items().stream().map(Payload.Media::source).toList();
            result = api.call(TelegramRequests.album(request.chatId(), album, sources, request.allowPaidBroadcast()));
        }
        if (result instanceof TelegramApi.Result.Ok<List<Message>> ok) {
            List<Message> messages = ok.value();
            for (int i = 0; i < Math.min(messages.size(), album.items().size()); i++) {
                Payload.MediaKind kind = album.items().get(i).mediaKind();
                Message message = messages.get(i);
                keys.get(i).ifPresent(k -> TelegramRequests.fileIdOf(message, kind).ifPresent(id -> cache.put(k, id)));
            }
            return delivered(messages);
        }
        TelegramApi.Failure failure = ((TelegramApi.Result.Failed<List<Message>>) result).failure();
        if (failure instanceof TelegramApi.Failure.Answered answered
                && answered.error().errorClass() == TelegramErrorClass.PARTIAL_ALBUM) {
            return partialAlbum(request, album, answered.error(), keys, cached);
        }
        return failure(failure, request);
    }

    /**
     * Items before #N arrived. A stale cached id at #N is forgotten, so resending the rest (the engine's next attempt)
     * uploads that file again: the inner error is then transient, not permanent.
     */
    private SendOutcome partialAlbum(SendRequest request, Payload.Album album, TelegramError error,
                                     List<Optional<FileIdCache.Key>> keys, List<Optional<String>> cached) {
        int failedIndex = Math.min(error.failedItem(), album.items().size()) - 1;
        TelegramError inner = error.inner();
        SendOutcome cause;
        if (inner.isStaleFileId() && cached.get(failedIndex).isPresent()) {
            keys.get(failedIndex).ifPresent(cache::drop);
            cause = new SendOutcome.Transient("album item #" + (failedIndex + 1)
                    + " used a stale cached file_id, dropped it; the rest will be uploaded again");
        } else {
            cause = toOutcome(inner, request);
        }
        log.debug("album delivery {} failed at item #{}: {}", request.deliveryId(), failedIndex + 1, inner);
        return new SendOutcome.PartialAlbum(failedIndex, List.of(), cause);
    }

    private SendOutcome outcome(TelegramApi.Result<Message> result, SendRequest request) {
        if (result instanceof TelegramApi.Result.Ok<Message> ok) {
            return delivered(List.of(ok.value()));
        }
        return failure(((TelegramApi.Result.Failed<Message>) result).failure(), request);
    }

    private SendOutcome failure(TelegramApi.Failure failure, SendRequest request) {
        if (failure instanceof TelegramApi.Failure.Answered answered) {
            return toOutcome(answered.error(), request);
        }
        if (failure instanceof TelegramApi.Failure.NotSent notSent) {
            log.debug("delivery {} not sent: {}", request.deliveryId(), notSent.reason());
            return new SendOutcome.Transient(notSent.reason());
        }
        if (failure instanceof TelegramApi.Failure.AnswerLost lost) {
            log.debug("delivery {} may have been sent: {}", request.deliveryId(), lost.reason());
            return new SendOutcome.Ambiguous(lost.reason());
        }
        return new SendOutcome.Permanent(((TelegramApi.Failure.Refused) failure).reason(), FailureClass.PERMANENT_PAYLOAD);
    }

    private SendOutcome toOutcome(TelegramError error, SendRequest request) {
        String reason = api.redact(error.toString());
        return switch (error.errorClass()) {
            case RATE_LIMITED -> new SendOutcome.RetryAfter(Duration.ofSeconds(error.retryAfterSeconds()),
                    LimitScope.chat(request.chatId()));
            case REDIRECT -> new SendOutcome.Redirect(error.migrateToChatId());
            case TRANSIENT -> new SendOutcome.Transient(reason);
            case PERMANENT_RECIPIENT -> new SendOutcome.Permanent(reason, FailureClass.PERMANENT_RECIPIENT);
            case PERMANENT_PAYLOAD, STALE_FILE_ID -> new SendOutcome.Permanent(reason, FailureClass.PERMANENT_PAYLOAD);
            case FATAL_CONFIG -> {
                log.warn("Telegram refused the bot's configuration ({}): check the token and the API URL", reason);
                yield new SendOutcome.Permanent(reason, FailureClass.FATAL_CONFIG);
            }
            case PARTIAL_ALBUM -> new SendOutcome.PartialAlbum(error.failedItem() - 1, List.of(),
                    toOutcome(error.inner(), request));
        };
    }

    private static boolean isStale(TelegramApi.Result<?> result) {
        return result instanceof TelegramApi.Result.Failed<?> failed
                && failed.failure() instanceof TelegramApi.Failure.Answered answered
                && answered.error().isStaleFileId();
    }

    /** A file on disk that vanished since the delivery was submitted cannot be sent, now or later. */
    private static Optional<SendOutcome> unreadableUpload(Payload.Media media) {
        if (media.source() instanceof MediaSource.File file && !Files.isReadable(file.path())) {
            return Optional.of(new SendOutcome.Permanent("the file to upload is gone or unreadable: " + file.path(),
                    FailureClass.PERMANENT_PAYLOAD));
        }
        return Optional.empty();
    }

    private static SendOutcome delivered(List<Message> messages) {
        return new SendOutcome.Delivered(messages.stream().map(m -> m.getMessageId().longValue()).toList());
    }

    @Override
    public void close() {
        api.close();
    }

    /** Spare connections being opened now (for tests). */
    int spareConnectionsOpening() {
        return api.spareConnectionsOpening();
    }

    /** Connections to the Bot API open now, busy or idle (for tests). */
    int openConnections() {
        return api.openConnections();
    }

    @Override
    public String toString() {
        return description;
    }
}
