package io.botdelivery.store.postgres;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PostgresRetryStoreModule")
class PostgresRetryStoreModuleTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @Test
    @DisplayName("binds RetryStore to one started PostgresRetryStore")
    void bindsTheStore() throws Exception {
        Injector injector = Guice.createInjector(new PostgresRetryStoreModule(TestStores.config(PG.database()).build()));

        RetryStore store = injector.getInstance(RetryStore.class);
        try {
            assertThat(store).isInstanceOf(PostgresRetryStore.class).isSameAs(injector.getInstance(RetryStore.class));
            Delivery d = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(1, Payload.text("wired")).build(), Instant.now());
            assertThat(store.save(d, null).created()).isTrue();
        } finally {
            ((AutoCloseable) store).close();
        }
    }

    @Test
    @DisplayName("opens no connection while the injector is created: an unreachable database fails only when the store is first provided")
    void nothingOpenedInConfigure() {
        PostgresRetryStoreConfig unreachable = PostgresRetryStoreConfig.builder("jdbc:postgresql://127.0.0.1:1/nowhere")
                .connectionTimeout(Duration.ofMillis(300)).build();

        Injector injector = Guice.createInjector(new PostgresRetryStoreModule(unreachable));

        assertThat(injector.getExistingBinding(com.google.inject.Key.get(RetryStore.class))).isNotNull();
        assertThatThrownBy(() -> injector.getInstance(RetryStore.class))
                .isInstanceOf(ProvisionException.class).hasRootCauseInstanceOf(java.net.ConnectException.class)
                .cause().isInstanceOf(RetryStoreException.class);
    }
}
