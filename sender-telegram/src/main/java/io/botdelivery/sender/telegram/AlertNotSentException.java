package io.botdelivery.sender.telegram;

/** No admin chat received an alert; the engine calls the notifier again later. */
public final class AlertNotSentException extends Exception {
    private static final long serialVersionUID = 1L;

    public AlertNotSentException(String message) {
        super(message);
    }
}
