package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Watches each HTTP call to tell the sender what TelegramBots cannot: whether the request was completely written
 * before a failure (the line between a transient and an ambiguous outcome), and the HTTP status and raw body of an
 * error answer (TelegramBots reports a non-JSON 5xx as error code 0). Install {@link #listenerFactory()} as the
 * client's event listener factory and {@link #interceptor()} as an application interceptor. Thread-safe.
 */
final class WireTracking {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BODY = 1024 * 1024;

    /** What the event listener saw of one call. */
    private static final class CallEvents extends EventListener {
        private final Map<Call, CallEvents> registry;
        private final Consumer<Call> onConnectionAcquired;
        volatile boolean requestBodyEnded;
        volatile boolean requestFailed;
        volatile boolean responseStarted;

        CallEvents(Map<Call, CallEvents> registry, Consumer<Call> onConnectionAcquired) {
            this.registry = registry;
            this.onConnectionAcquired = onConnectionAcquired;
        }

        @Override
        public void connectionAcquired(Call call, Connection connection) {
            onConnectionAcquired.accept(call);
        }

        boolean requestWritten() {
            return responseStarted || (requestBodyEnded && !requestFailed);
        }

        @Override
        public void requestBodyEnd(Call call, long byteCount) {
            requestBodyEnded = true;
        }

        @Override
        public void requestHeadersEnd(Call call, okhttp3.Request request) {
            if (request.body() == null) {
                requestBodyEnded = true;
            }
        }

        @Override
        public void requestFailed(Call call, IOException ioe) {
            requestFailed = true;
        }

        @Override
        public void responseHeadersStart(Call call) {
            responseStarted = true;
        }

        @Override
        public void callEnd(Call call) {
            registry.remove(call);
        }

        @Override
        public void callFailed(Call call, IOException ioe) {
            registry.remove(call);
        }

        @Override
        public void canceled(Call call) {
            registry.remove(call);
        }
    }

    private final Map<Call, CallEvents> calls = new ConcurrentHashMap<>();
    private final Consumer<Call> onConnectionAcquired;

    /** @param onConnectionAcquired told, on the calling thread, each time a call has got its connection */
    WireTracking(Consumer<Call> onConnectionAcquired) {
        this.onConnectionAcquired = onConnectionAcquired;
    }

    EventListener.Factory listenerFactory() {
        return call -> calls.computeIfAbsent(call, c -> new CallEvents(calls, onConnectionAcquired));
    }

    Interceptor interceptor() {
        return this::intercept;
    }

    private Response intercept(Interceptor.Chain chain) throws IOException {
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (WireFailure alreadyClassified) {
            throw alreadyClassified;
        } catch (IOException e) {
            CallEvents events = calls.get(chain.call());
            boolean written = events != null && events.requestWritten();
            String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw written
                    ? new WireFailure.AnswerLost("the request was sent but no answer came back (" + what + ")", e)
                    : new WireFailure.NotSent("the request was not sent (" + what + ")", e);
        }
        if (!response.isSuccessful()) {
            String body;
            try (ResponseBody b = response.body()) {
                body = b == null ? "" : readBounded(b);
            } catch (IOException e) {
                throw new WireFailure.AnswerLost("an error answer (HTTP " + response.code() + ") broke off", e);
            }
            throw new WireFailure.ErrorAnswer(response.code(), body);
        }
        checkReadableSuccess(response);
        return response;
    }

    /** A 2xx whose body is not Telegram's {@code "ok":true} JSON: the send may have happened, the answer is lost. */
    private static void checkReadableSuccess(Response response) throws IOException {
        String body;
        try {
            body = response.peekBody(MAX_BODY).string();
        } catch (IOException e) {
            response.close();
            throw new WireFailure.AnswerLost("the answer (HTTP " + response.code() + ") broke off", e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.path("ok").asBoolean(false)) {
            response.close();
            if (json != null && json.has("description")) {
                throw new WireFailure.ErrorAnswer(response.code(), body);
            }
            throw new WireFailure.AnswerLost("HTTP " + response.code() + " with an unreadable body", null);
        }
    }

    private static String readBounded(ResponseBody body) throws IOException {
        byte[] bytes = body.byteStream().readNBytes((int) MAX_BODY);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
