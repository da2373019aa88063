package io.botdelivery.testkit.notifier;

import io.botdelivery.core.spi.Notifier;
import io.botdelivery.testkit.NotifierContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The notifier kit on {@link WebhookNotifier} over a real {@link WebhookBackend}, with every hook. Not run by the
 * build directly (its name does not end in Test); {@link NotifierContractCatchesBrokenNotifiersTest} runs it with each
 * flaw in turn.
 */
class WebhookNotifierKitRun extends NotifierContract {
    static volatile WebhookNotifier.Flaw flaw = WebhookNotifier.Flaw.NONE;
    private WebhookBackend backend;

    @BeforeEach
    void startBackend() throws IOException {
        backend = new WebhookBackend();
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    @Override
    protected Notifier createNotifier() {
        return new WebhookNotifier(backend.uri(), flaw);
    }

    @Override
    protected List<String> receivedAlerts() {
        return backend.accepted();
    }

    @Override
    protected void refuseNext(int n) {
        backend.refuseNext(n);
    }

    @Override
    protected boolean rejectNextAsInvalid(int n) {
        backend.rejectNext(n);
        return true;
    }

    @Override
    protected boolean makeBackendHang() {
        backend.hang();
        return true;
    }

    @Override
    protected boolean makeBackendUnreachable() {
        backend.goAway();
        return true;
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.HALT_ALERTS);
    }
}
