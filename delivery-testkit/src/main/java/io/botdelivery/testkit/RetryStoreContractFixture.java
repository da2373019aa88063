package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.Lease;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture {@link RetryStoreContract}'s cases run on: the store under test and the hooks an adapter overrides
 * ({@link #createStore}, {@link #reopenStore}, {@link #makeStorageUnreachable}, {@link #closeStore}), the
 * {@link MutableClock} it is given, and the helpers the cases share. Adapters extend {@link RetryStoreContract}, not
 * this.
 *
 * <p>Why a chain: the contract outgrew one file, so its {@code @Nested} groups are spread over superclasses, one seam
 * of the port each: this fixture &larr; {@link RetryStoreLifecycleCases} &larr; {@link RetryStoreSaveAllCases} &larr;
 * {@link RetryStoreBatchedWriteCases} &larr; {@link RetryStoreExactnessCases} &larr; {@link RetryStoreContract}. JUnit
 * runs the groups a test class inherits as well as its own. Every constructor of the chain but the contract's is
 * package-private: extending a part of it would run part of the contract and look like all of it.
 *
 * <p>{@link KitTimeLimit} is declared here, at the root: {@link KitTimeLimitExtension} looks for it on the class that
 * encloses each group, which may be any class of the chain.
 */
@KitTimeLimit(seconds = 60)
public abstract class RetryStoreContractFixture {

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    protected RetryStore store;
    int sequence;

    /** Package-private: only the next class of the chain extends this. */
    RetryStoreContractFixture() {
    }

    /** A fresh, empty store using {@code clock} wherever it needs the time. */
    protected abstract RetryStore createStore(Clock clock);

    /**
     * A second store instance over the same storage (a "restarted process"), or {@code null} if the store is not
     * durable. Durable stores override this.
     */
    protected RetryStore reopenStore(Clock clock) {
        return null;
    }

    /**
     * Capability: makes the storage behind {@link #store} unreachable (stop the database server, say) and returns
     * what brings it back; {@code null}, the default, when the adapter's test cannot. While it is down, every
     * operation must throw {@link RetryStoreException}, not some other exception and not a wrong answer; once it is
     * back, the same store instance must work again by itself (within 30 s).
     */
    protected AutoCloseable makeStorageUnreachable() throws Exception {
        return null;
    }

    /** Releases what {@link #createStore} opened. */
    protected void closeStore(RetryStore store) throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void createTheStore() {
        store = createStore(clock);
    }

    @AfterEach
    void closeTheStore() throws Exception {
        closeStore(store);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    protected Delivery newDelivery(long chatId) {
        return newDelivery(DeliveryRequest.builder(chatId, Payload.text("hello " + (++sequence))).build());
    }

    protected Delivery newDelivery(DeliveryRequest request) {
        return Delivery.accepted(DeliveryId.random(), request, clock.instant());
    }

    protected Delivery saved(long chatId) {
        Delivery d = newDelivery(chatId);
        store.save(d, null);
        return d;
    }

    protected Lease lease(String owner) {
        return new Lease(owner, clock.instant().plusSeconds(30));
    }

    protected Delivery claimOne(String owner) {
        List<Delivery> claimed = store.claimDue(clock.instant(), 1, lease(owner));
        assertThat(claimed).as("claimed by " + owner).hasSize(1);
        return claimed.get(0);
    }

    protected static AttemptState failedAttempt(Delivery d, String error, FailureClass failureClass) {
        return new AttemptState(d.attempts() + 1, d.chatId(), d.deliveredItems(), d.messageIds(), error, failureClass);
    }

    Delivery reload(Delivery d) {
        return store.find(d.id()).orElseThrow();
    }

    /** Used by adapters' own tests: an instant the kit considers "now". */
    protected Instant now() {
        return clock.instant();
    }
}
