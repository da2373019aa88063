package io.botdelivery.api;

/**
 * A request that Telegram would refuse, caught before it enters the engine. Nothing was stored.
 *
 * <p>{@link #field()} names the offending field (e.g. {@code payload.caption}, {@code payload.items[3]}) and
 * {@link #rule()} the rule it breaks (e.g. "at most 1024 characters").
 */
public final class InvalidDeliveryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    public InvalidDeliveryException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
        this.rule = rule;
    }

    /** The path of the offending field, e.g. {@code payload.items[2].source}. */
    public String field() {
        return field;
    }

    /** The rule it breaks, in words. */
    public String rule() {
        return rule;
    }

    static void check(boolean condition, String field, String rule) {
        if (!condition) {
            throw new InvalidDeliveryException(field, rule);
        }
    }

    static <T> T required(T value, String field) {
        if (value == null) {
            throw new InvalidDeliveryException(field, "is required");
        }
        return value;
    }
}
