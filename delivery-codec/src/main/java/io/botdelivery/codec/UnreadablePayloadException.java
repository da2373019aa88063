package io.botdelivery.codec;

/**
 * A stored payload that this version cannot turn back into a {@code Payload}: corrupted, or written by a newer
 * version. Checked, so every store decides what an unreadable row becomes (store-postgres and store-jdbc fail the
 * delivery with class {@code UNREADABLE} and owe an alert) instead of a worker crashing on it.
 */
public final class UnreadablePayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnreadablePayloadException(String reason) {
        super(reason);
    }

    public UnreadablePayloadException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
