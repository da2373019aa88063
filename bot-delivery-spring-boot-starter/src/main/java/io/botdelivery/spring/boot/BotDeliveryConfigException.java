package io.botdelivery.spring.boot;

import java.util.Objects;

/**
 * A {@code bot-delivery.*} setting, or the classpath, cannot give the engine what it needs. Thrown while the context
 * starts; {@link BotDeliveryFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED TO START" report with the
 * key and what to do. The message never contains a secret.
 */
public final class BotDeliveryConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String action;

    /**
     * @param key     the property at fault, e.g. {@code bot-delivery.token}
     * @param problem what is wrong with it
     * @param action  what the user should do
     */
    public BotDeliveryConfigException(String key, String problem, String action) {
        super(key + ": " + problem + ". " + action);
        this.key = Objects.requireNonNull(key, "key");
        this.action = Objects.requireNonNull(action, "action");
    }

    public String key() {
        return key;
    }

    public String action() {
        return action;
    }
}
