package io.botdelivery.spring.boot;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.store.postgres.PostgresRetryStore;
import io.botdelivery.testkit.postgres.PostgresServerExtension;
import io.botdelivery.testkit.postgres.TestDatabase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** store=postgres on a real PostgreSQL, through a DataSource the application owns. */
class PostgresStoreTest {

    @RegisterExtension
    static final PostgresServerExtension PG = PostgresServerExtension.embeddedOrFromEnv();

    @Test
    @DisplayName("store=postgres migrates its own schema on the application's DataSource, delivers, and leaves the pool and its search path alone")
    void onTheApplicationsDataSource() throws Exception {
        TestDatabase db = PG.database();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.jdbcUrl());
        dataSource.setUser(db.user());
        dataSource.setPassword(db.password());
        Sender delivered = request -> new SendOutcome.Delivered(List.of(1L));

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BotDeliveryAutoConfiguration.class))
                .withPropertyValues("bot-delivery.store=postgres", "bot-delivery.postgres.schema=deliveries")
                // the application owns the pool: no destroy method, as for a pool defined outside the context
                .withBean(DataSource.class, () -> dataSource, definition -> definition.setDestroyMethodName(""))
                .withBean(Sender.class, () -> delivered)
                .run(context -> {
                    assertThat(context.getBean(RetryStore.class)).isInstanceOf(PostgresRetryStore.class);
                    var submission = context.getBean(DeliveryEngine.class)
                            .submit(DeliveryRequest.builder(5, Payload.text("durable")).build());
                    await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(RetryStore.class)
                            .find(submission.id()).orElseThrow().status() == DeliveryStatus.DELIVERED);
                });

        try (Connection c = dataSource.getConnection();
             ResultSet tables = c.getMetaData().getTables(null, "deliveries", "delivery", null)) {
            assertThat(tables.next()).as("the store's table in its own schema").isTrue();
            assertThat(c.getSchema()).isEqualTo("public");
        }
    }
}
