package io.botdelivery.core.spi;

/**
 * Hands one payload to Telegram and classifies the answer.
 *
 * <p><b>Contract.</b> Thread-safe; called concurrently for different chats. Blocking: returns when Telegram answered
 * or the attempt failed. Never throws for anything Telegram or the network does: every failure is a
 * {@link SendOutcome}. In particular a send whose request may have reached Telegram must come back as
 * {@link SendOutcome.Ambiguous}, never as {@link SendOutcome.Transient}. Does not rate-limit (the engine reserves
 * before calling) and does not retry, except the one documented case of a stale cached file id, which it may resend
 * once with the original source.
 */
public interface Sender {

    /** Sends {@code request.payload()} to {@code request.chatId()}. */
    SendOutcome send(SendRequest request);
}
