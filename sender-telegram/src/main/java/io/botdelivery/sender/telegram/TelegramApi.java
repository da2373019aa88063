package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.botdelivery.api.Redaction;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.objects.ResponseParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TelegramBots client on an OkHttp client of our own: no silent retries (a retried send may duplicate), no
 * redirects, timeouts and concurrency from the configuration, and {@link WireTracking} to learn what TelegramBots
 * hides. Every call comes back as a {@link Result}, never as an exception. Thread-safe.
 */
final class TelegramApi implements AutoCloseable {

    /** One call's result: the value, or why there is none. */
    sealed interface Result<T> {
        record Ok<T>(T value) implements Result<T> {
        }

        record Failed<T>(Failure failure) implements Result<T> {
        }
    }

    /** Why a call has no value. */
    sealed interface Failure {
        /** Telegram answered with an error. */
        record Answered(TelegramError error) implements Failure {
        }

        /** Nothing reached Telegram (connect failure, write failure, local I/O). */
        record NotSent(String reason) implements Failure {
        }

        /** The request reached Telegram, the answer did not reach us. */
        record AnswerLost(String reason) implements Failure {
        }

        /** TelegramBots refused the request before sending it (its own validation). */
        record Refused(String reason) implements Failure {
        }
    }

    /** A call on the TelegramBots client. */
    @FunctionalInterface
    interface ApiCall<T> {
        T execute(TelegramClient client) throws TelegramApiException;
    }

    private final String token;
    private final OkHttpClient http;
    private final TelegramClient client;
    private final TelegramUrl url;
    private final SpareConnections spare;
    /** What closing does to the client: shut down the own one, leave the application's, leave a shared one. */
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    TelegramApi(TelegramSenderConfig config) {
        this(config, (OkHttpClient) null);
    }

    /**
     * On {@code shared}'s connection pool and dispatcher when given (OkHttp's {@link OkHttpClient#newBuilder()}: one
     * HTTP client per token, whatever else the application sends on it), otherwise on a client of its own.
     * The shared dispatcher's concurrency is raised to the configuration's if lower (OkHttp's default of 5 per host
     * would make every send wait for a free call); it is never lowered.
     */
    TelegramApi(TelegramSenderConfig config, OkHttpClient shared) {
        this(config, shared, () -> { });
    }

    /** On the injector's client, {@link SharedBotApiClient#leave() left} when this closes. */
    TelegramApi(TelegramSenderConfig config, SharedBotApiClient shared) {
        this(config, shared.join(config.maxConcurrentRequests()), shared::leave);
    }

    private TelegramApi(TelegramSenderConfig config, OkHttpClient shared, Runnable releaseShared) {
        this.token = config.token();
        OkHttpClient.Builder builder;
        if (shared == null) {
            OkHttpClient own = BotApiHttpClients.create(config.maxConcurrentRequests());
            builder = own.newBuilder();
            this.release = () -> BotApiHttpClients.shutdown(own);
        } else {
            this.release = releaseShared;
            Dispatcher dispatcher = shared.dispatcher();
            // no lock around the two steps: OkHttp forbids holding the dispatcher's monitor while it promotes calls,
            // and two clients raising at once at worst leave the smaller of two raised values
            dispatcher.setMaxRequests(Math.max(dispatcher.getMaxRequests(), config.maxConcurrentRequests()));
            dispatcher.setMaxRequestsPerHost(Math.max(dispatcher.getMaxRequestsPerHost(), config.maxConcurrentRequests()));
            builder = shared.newBuilder();
        }
        // once a call holds its connection, spares are opened if it took the last idle one
        WireTracking tracking = new WireTracking(this::connectionTaken);
        this.http = builder
                // a silent retry after the request was written would duplicate the message
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(config.connectTimeout())
                .writeTimeout(config.writeTimeout())
                .readTimeout(config.readTimeout())
                .eventListenerFactory(tracking.listenerFactory())
                .addInterceptor(tracking.interceptor())
                .build();
        this.url = new TelegramUrl(config.apiUrl().getScheme(), config.apiUrl().getHost(), config.port(), false);
        this.client = new OkHttpTelegramClient(http, config.token(), url);
        this.spare = new SpareConnections(http, new HttpUrl.Builder().scheme(config.apiUrl().getScheme())
                .host(config.apiUrl().getHost()).port(config.port()).build(), config.token());
    }

    <T> Result<T> call(ApiCall<T> call) {
        try {
            return new Result.Ok<>(Objects.requireNonNull(call.execute(client), "TelegramBots returned null"));
        } catch (TelegramApiException e) {
            return new Result.Failed<>(interpret(e));
        }
    }

    /**
     * Like {@link #call(ApiCall)}, but the whole call (connecting, writing, waiting for the answer) ends within
     * {@code limit}: for callers bound to answer in time whatever Telegram does (the notifier). A call cut short counts
     * as an answer lost, since the request may have been written. Builds a client view per call (same pool and
     * dispatcher), which is cheap next to the call itself.
     */
    <T> Result<T> call(ApiCall<T> call, Duration limit) {
        OkHttpClient bounded = http.newBuilder().callTimeout(limit).build();
        TelegramClient boundedClient = new OkHttpTelegramClient(bounded, token, url);
        try {
            return new Result.Ok<>(Objects.requireNonNull(call.execute(boundedClient), "TelegramBots returned null"));
        } catch (TelegramApiException e) {
            return new Result.Failed<>(interpret(e));
        }
    }

    /** Replaces the token wherever it might appear. */
    String redact(String text) {
        return Redaction.redact(text, token);
    }

    private Failure interpret(TelegramApiException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WireFailure.ErrorAnswer answer) {
                return new Failure.Answered(TelegramErrorClassifier.classify(answer.status(), answer.body()));
            }
            if (t instanceof WireFailure.NotSent notSent) {
                return new Failure.NotSent(redact(notSent.getMessage()));
            }
            if (t instanceof WireFailure.AnswerLost lost) {
                return new Failure.AnswerLost(redact(lost.getMessage()));
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return new Failure.AnswerLost("interrupted while waiting for Telegram's answer");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                // the interceptor let only an "ok":true answer through: Telegram sent it, we cannot read the ids
                return new Failure.AnswerLost("Telegram's answer could not be read: " + redact(t.getMessage()));
            }
        }
        if (e instanceof TelegramApiValidationException) {
            return new Failure.Refused(redact(e.getMessage()));
        }
        if (e instanceof TelegramApiRequestException request && request.getErrorCode() != null && request.getErrorCode() != 0) {
            ResponseParameters p = request.getParameters();
            return new Failure.Answered(TelegramErrorClassifier.classify(request.getErrorCode(),
                    String.valueOf(request.getApiResponse()),
                    p == null || p.getRetryAfter() == null ? null : p.getRetryAfter().longValue(),
                    p == null ? null : p.getMigrateToChatId()));
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                // an I/O failure outside the interceptor happened before the call: reading an upload
                return new Failure.NotSent("could not prepare the request: " + redact(io.toString()));
            }
        }
        // nothing says the request stayed here: assume it may have reached Telegram
        return new Failure.AnswerLost("unexpected failure: " + redact(e.toString()));
    }

    private void connectionTaken(Call call) {
        spare.connectionTaken(call);
    }

    /** Spare connections being opened now (for tests). */
    int spareConnectionsOpening() {
        return spare.warming();
    }

    /** Connections in the pool now, busy or idle (for tests). */
    int openConnections() {
        return http.connectionPool().connectionCount();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
