package io.botdelivery.core.spi;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;

import java.time.Instant;
import java.util.List;

/**
 * The admin-alert outbox of a {@link RetryStore}: a delivery that ends FAILED owes one alert ({@link LeasedWrites#fail}),
 * which a worker leases, sends and marks. The contract of {@link RetryStore} holds for every method.
 */
public interface AlertOutbox {

    /** Leases up to {@code max} FAILED deliveries whose notification is owed and not leased (or whose lease ended). */
    List<Delivery> claimUnnotified(Instant now, int max, Lease lease);

    /** Records that the admin was notified about a FAILED delivery held by {@code owner}; it is never owed again. */
    boolean markNotified(DeliveryId id, String owner, Instant now);

}
