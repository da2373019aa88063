package io.botdelivery.example.wiring;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;

import java.util.Objects;

/**
 * Treats every 429 as the bot's global budget being exhausted, whatever scope the sender guessed. Telegram's answer
 * does not say which budget was hit; if it was the global one and only the chat pauses, every other chat's next send
 * arrives inside the ban, and Telegram (like the simulator) answers each early caller with a longer retry_after, up to
 * an hour. Pausing everything for one retry_after costs a second or two when the guess would have been right; the
 * other way round it costs the bot an hour. With the rate limiter working, 429s are rare, so the cautious side wins.
 */
final class CautiousSender implements Sender {
    private final Sender sender;

    CautiousSender(Sender sender) {
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    @Override
    public SendOutcome send(SendRequest request) {
        SendOutcome outcome = sender.send(request);
        if (outcome instanceof SendOutcome.RetryAfter r && !r.scope().isGlobal()) {
            return new SendOutcome.RetryAfter(r.retryAfter(), LimitScope.global());
        }
        if (outcome instanceof SendOutcome.PartialAlbum p && p.cause() instanceof SendOutcome.RetryAfter r && !r.scope().isGlobal()) {
            return new SendOutcome.PartialAlbum(p.deliveredItems(), p.messageIds(), new SendOutcome.RetryAfter(r.retryAfter(), LimitScope.global()));
        }
        return outcome;
    }
}
