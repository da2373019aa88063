package io.botdelivery.bench.scenario;

import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;

/**
 * A {@link Sender} that writes each send before it goes on the wire and its classified outcome after: a SEND without
 * an OUTCOME in a killed incarnation's log was in flight at the kill.
 */
final class LoggedSender implements Sender {
    private final Sender delegate;
    private final EventLog log;

    LoggedSender(Sender delegate, EventLog log) {
        this.delegate = delegate;
        this.log = log;
    }

    @Override
    public SendOutcome send(SendRequest request) {
        String id = request.deliveryId().toString();
        log.send(id, request.attempt(), request.chatId());
        SendOutcome outcome = delegate.send(request);
        log.outcome(id, outcome.getClass().getSimpleName());
        return outcome;
    }
}
