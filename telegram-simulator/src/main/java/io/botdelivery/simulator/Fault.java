package io.botdelivery.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Something that goes wrong with one call to a send method, injected by the simulator either at random
 * ({@link FaultRates}) or from a script ({@link FaultInjector#next}).
 */
public sealed interface Fault permits Fault.Pass, Fault.ServerError, Fault.DropBeforeAccept, Fault.DropAfterAccept,
        Fault.Latency, Fault.PartialAlbum, Fault.PartialAlbumRateLimited, Fault.ErrorAnswer, Fault.RawAnswer {

    /** The call goes through untouched (lets a script fault the second call rather than the first). */
    static Pass pass() {
        return Pass.INSTANCE;
    }

    /** A JSON 500 "Internal Server Error"; nothing is sent. */
    static ServerError serverError() {
        return new ServerError(500, true);
    }

    /** An nginx HTML page with this 5xx status, as a proxy in front of the Bot API answers; nothing is sent. */
    static ServerError nonJsonServerError(int status) {
        return new ServerError(status, false);
    }

    static DropBeforeAccept dropBeforeAccept() {
        return DropBeforeAccept.INSTANCE;
    }

    static DropAfterAccept dropAfterAccept() {
        return DropAfterAccept.INSTANCE;
    }

    static Latency latency(Duration delay) {
        return new Latency(delay);
    }

    /** Album item {@code failingItem} (1-based) fails with TDLib's {@code innerError}; items before it arrive. */
    static PartialAlbum partialAlbum(int failingItem, String innerError) {
        return new PartialAlbum(failingItem, innerError);
    }

    /**
     * Album items before {@code failingItem} (1-based) arrive, then the call is answered with a plain
     * {@code 429 Too Many Requests: retry after N} that does not say any arrived, and the chat is banned for N s.
     */
    static PartialAlbumRateLimited partialAlbumRateLimited(int failingItem, long retryAfterSeconds) {
        return new PartialAlbumRateLimited(failingItem, retryAfterSeconds);
    }

    /** Telegram's JSON error shape with this status and description, e.g. {@code error(403, "Forbidden: bot can't initiate conversation with a user")}. */
    static ErrorAnswer error(int status, String description) {
        return new ErrorAnswer(status, description, Map.of());
    }

    /** Exactly this status and body (e.g. a vector from {@code telegram-errors.json}); nothing is sent. */
    static RawAnswer raw(int status, String contentType, String body) {
        return new RawAnswer(status, contentType, body);
    }

    /** No fault. */
    enum Pass implements Fault { INSTANCE }

    /** A 5xx answer; nothing is sent. With {@code json = false} the body is an nginx HTML page. */
    record ServerError(int status, boolean json) implements Fault {
        public ServerError {
            if (status < 500 || status > 599) {
                throw new IllegalArgumentException("a server error has a 5xx status, was " + status);
            }
        }
    }

    /** The connection closes before the send is accepted: nothing is sent, the caller gets no answer. */
    enum DropBeforeAccept implements Fault { INSTANCE }

    /**
     * The send is accepted (and recorded with {@link AcceptedMessage#answerLost()}), then the connection closes
     * without an answer: the ambiguous case, where a retry duplicates.
     */
    enum DropAfterAccept implements Fault { INSTANCE }

    /** The send is handled (and accepted at arrival) as usual, but the answer leaves only after {@code delay}. */
    record Latency(Duration delay) implements Fault {
        public Latency {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
        }
    }

    /**
     * For {@code sendMediaGroup} only: items before {@code failingItem} (1-based) arrive, that item and the rest do
     * not, and the answer is {@code 400 Bad Request: failed to send message #N with the error message "<inner>"}.
     * A {@code failingItem} past the album's end fails its last item.
     */
    record PartialAlbum(int failingItem, String innerError) implements Fault {
        public PartialAlbum {
            Objects.requireNonNull(innerError, "innerError");
            if (failingItem < 1) {
                throw new IllegalArgumentException("items are counted from 1, was " + failingItem);
            }
        }
    }

    /**
     * For {@code sendMediaGroup} only: items before {@code failingItem} (1-based) arrive, the rest do not, and the
     * answer is a plain 429 with {@code retry_after} (as a strict Telegram answers an album that hit a flood limit part
     * way): the caller cannot tell that anything arrived. The chat's scope is banned for {@code retryAfterSeconds}.
     */
    record PartialAlbumRateLimited(int failingItem, long retryAfterSeconds) implements Fault {
        public PartialAlbumRateLimited {
            if (failingItem < 1) {
                throw new IllegalArgumentException("items are counted from 1, was " + failingItem);
            }
            if (retryAfterSeconds < 1) {
                throw new IllegalArgumentException("retry_after is at least 1 s, was " + retryAfterSeconds);
            }
        }
    }

    /** Telegram's JSON error answer ({@code ok:false}, {@code error_code}, {@code description}, {@code parameters}); nothing is sent. */
    record ErrorAnswer(int status, String description, Map<String, Object> parameters) implements Fault {
        public ErrorAnswer {
            Objects.requireNonNull(description, "description");
            parameters = Map.copyOf(parameters);
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("an error answer has a 4xx or 5xx status, was " + status);
            }
        }

        public ErrorAnswer withParameter(String name, Object value) {
            Map<String, Object> more = new java.util.HashMap<>(parameters);
            more.put(name, value);
            return new ErrorAnswer(status, description, more);
        }
    }

    /** Exactly this status, content type and body; nothing is sent. */
    record RawAnswer(int status, String contentType, String body) implements Fault {
        public RawAnswer {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }
}
