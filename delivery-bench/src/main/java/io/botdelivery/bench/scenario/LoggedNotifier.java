package io.botdelivery.bench.scenario;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.Notifier;

/** A {@link Notifier} that writes each admin alert it handed over. */
final class LoggedNotifier implements Notifier {
    private final Notifier delegate;
    private final EventLog log;

    LoggedNotifier(Notifier delegate, EventLog log) {
        this.delegate = delegate;
        this.log = log;
    }

    @Override
    public void deliveryFailed(Delivery failed) throws Exception {
        delegate.deliveryFailed(failed);
        log.notified(failed.id().toString());
    }

    @Override
    public void sendingHalted(String reason) throws Exception {
        delegate.sendingHalted(reason);
    }
}
