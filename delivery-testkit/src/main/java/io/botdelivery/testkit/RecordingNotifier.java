package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.core.spi.Notifier;

import java.util.ArrayList;
import java.util.List;

/** A {@link Notifier} that records alerts, and can be told to fail the next N calls. Thread-safe. */
public final class RecordingNotifier implements Notifier {
    private final List<Delivery> alerts = new ArrayList<>();
    private final List<String> halts = new ArrayList<>();
    private int failuresLeft;

    /** The next {@code n} alerts throw, as an unreachable admin chat would. */
    public synchronized RecordingNotifier failNext(int n) {
        failuresLeft = n;
        return this;
    }

    @Override
    public synchronized void deliveryFailed(Delivery failed) throws Exception {
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new java.io.IOException("admin chat unreachable (scripted)");
        }
        alerts.add(failed);
    }

    @Override
    public synchronized void sendingHalted(String reason) {
        halts.add(reason);
    }

    public synchronized List<Delivery> alerts() {
        return List.copyOf(alerts);
    }

    public synchronized long alertsFor(DeliveryId id) {
        return alerts.stream().filter(d -> d.id().equals(id)).count();
    }

    public synchronized List<String> halts() {
        return List.copyOf(halts);
    }
}
