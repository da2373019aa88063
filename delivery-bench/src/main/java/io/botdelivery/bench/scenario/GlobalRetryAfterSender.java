package io.botdelivery.bench.scenario;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;

/**
 * Reports every 429 as the bot-wide budget's, whatever scope the sender guessed: the policy example-bot wires in (its
 * {@code CautiousSender}), repeated here because nothing may depend on the example bot. Telegram's answer does not
 * say which budget was hit; pausing everything for one retry_after costs a second when the guess was wrong, while
 * pausing only the chat lets every other chat's send arrive inside a bot-wide ban, which Telegram escalates.
 */
final class GlobalRetryAfterSender implements Sender {
    private final Sender delegate;

    GlobalRetryAfterSender(Sender delegate) {
        this.delegate = delegate;
    }

    @Override
    public SendOutcome send(SendRequest request) {
        SendOutcome outcome = delegate.send(request);
        if (outcome instanceof SendOutcome.RetryAfter r) {
            return new SendOutcome.RetryAfter(r.retryAfter(), LimitScope.global());
        }
        if (outcome instanceof SendOutcome.PartialAlbum p && p.cause() instanceof SendOutcome.RetryAfter r) {
            return new SendOutcome.PartialAlbum(p.deliveredItems(), p.messageIds(),
                    new SendOutcome.RetryAfter(r.retryAfter(), LimitScope.global()));
        }
        return outcome;
    }
}
