package io.botdelivery.sender.telegram;

import java.io.IOException;

/**
 * What happened on the wire when a call did not end with a readable success, thrown from the OkHttp interceptor so
 * it survives TelegramBots' exception wrapping (the sender finds it in the cause chain). Not API.
 */
abstract sealed class WireFailure extends IOException {
    private static final long serialVersionUID = 1L;

    WireFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The request was not completely written: Telegram cannot have acted on it. */
    static final class NotSent extends WireFailure {
        private static final long serialVersionUID = 1L;

        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The whole request was written but no readable answer came back: Telegram may have acted on it. */
    static final class AnswerLost extends WireFailure {
        private static final long serialVersionUID = 1L;

        AnswerLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Telegram (or a proxy in front of it) answered with an error status; the body is kept for the classifier. */
    static final class ErrorAnswer extends WireFailure {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String body;

        ErrorAnswer(int status, String body) {
            super("HTTP " + status, null);
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }
    }
}
