package io.botdelivery.simulator;

import java.util.Map;

/**
 * An error answer in Telegram's shape, thrown inside the simulator to stop handling a call. Not API: it never leaves
 * the simulator.
 */
final class BotApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Map<String, Object> parameters;
    private final transient WindowScope limitedScope;

    BotApiError(int status, String description, Map<String, Object> parameters) {
        this(status, description, parameters, null);
    }

    private BotApiError(int status, String description, Map<String, Object> parameters, WindowScope limitedScope) {
        super(description, null, false, false);
        this.status = status;
        this.parameters = Map.copyOf(parameters);
        this.limitedScope = limitedScope;
    }

    /** Telegram's 429; {@code scope} is what the simulator found over budget (Telegram does not say). */
    static BotApiError tooManyRequests(WindowScope scope, long retryAfterSeconds) {
        return new BotApiError(429, "Too Many Requests: retry after " + retryAfterSeconds,
                Map.of("retry_after", retryAfterSeconds), scope);
    }

    static BotApiError badRequest(String what) {
        return new BotApiError(400, "Bad Request: " + what, Map.of());
    }

    static BotApiError forbidden(String what) {
        return new BotApiError(403, "Forbidden: " + what, Map.of());
    }

    int status() {
        return status;
    }

    String description() {
        return getMessage();
    }

    Map<String, Object> parameters() {
        return parameters;
    }

    /** The scope over budget for a 429 from the limits, else {@code null}. */
    WindowScope limitedScope() {
        return limitedScope;
    }

    long retryAfter() {
        Object value = parameters.get("retry_after");
        return value instanceof Number n ? n.longValue() : 0;
    }
}
