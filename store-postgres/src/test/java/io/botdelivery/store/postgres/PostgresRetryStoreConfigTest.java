package io.botdelivery.store.postgres;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

@DisplayName("PostgresRetryStoreConfig")
class PostgresRetryStoreConfigTest {

    private static final String URL = "jdbc:postgresql://db:5432/shop";

    @Test
    @DisplayName("has the documented defaults")
    void defaults() {
        PostgresRetryStoreConfig c = PostgresRetryStoreConfig.builder(URL).build();

        assertThat(c.jdbcUrl()).isEqualTo(URL);
        assertThat(c.user()).isNull();
        assertThat(c.password()).isNull();
        assertThat(c.poolSize()).isEqualTo(10);
        assertThat(c.schema()).isEqualTo("bot_delivery");
        assertThat(c.migrateOnStart()).isTrue();
        assertThat(c.listenNotify()).isTrue();
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("maps every builder setting, and toBuilder keeps them all")
    void fullMapping() {
        PostgresRetryStoreConfig c = PostgresRetryStoreConfig.builder(URL).user("bot").password("s3cret").poolSize(3)
                .schema("shop_queue")
                .migrateOnStart(false).listenNotify(false).connectionTimeout(Duration.ofSeconds(2)).build();

        assertThat(c).isEqualTo(new PostgresRetryStoreConfig(URL, "bot", "s3cret", 3, "shop_queue",
                false, false, Duration.ofSeconds(2)));
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    @DisplayName("defect 6: names no lease, batch or poll interval of its own, so its start-up log cannot contradict the engine's")
    void noEngineSettings() {
        PostgresRetryStoreConfig c = PostgresRetryStoreConfig.builder(URL).build();

        assertThat(c.toString()).doesNotContain("lease").doesNotContain("batch").doesNotContain("poll");
        assertThat(java.util.Arrays.stream(PostgresRetryStoreConfig.class.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName))
                .doesNotContain("leaseLength", "batchSize", "pollInterval");
    }

    @Test
    @DisplayName("never prints the password, in the field or in the URL")
    void toStringHidesPasswords() {
        PostgresRetryStoreConfig c = PostgresRetryStoreConfig.builder(URL + "?user=bot&password=in-url").password("s3cret").build();

        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("in-url").contains("password=***");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("not a PostgreSQL URL", "jdbcUrl", (UnaryOperator<PostgresRetryStoreConfig.Builder>) b -> PostgresRetryStoreConfig.builder("jdbc:mysql://db/shop")),
                arguments("an empty pool", "poolSize", (UnaryOperator<PostgresRetryStoreConfig.Builder>) b -> b.poolSize(0)),
                arguments("a schema needing quotes", "schema", (UnaryOperator<PostgresRetryStoreConfig.Builder>) b -> b.schema("Bot-Delivery")),
                arguments("a connection timeout under HikariCP's minimum", "connectionTimeout",
                        (UnaryOperator<PostgresRetryStoreConfig.Builder>) b -> b.connectionTimeout(Duration.ofMillis(100))));
    }

    @ParameterizedTest(name = "{0} is refused, naming {1}")
    @MethodSource("invalid")
    @DisplayName("refuses bad values with a message naming the key")
    void refusesBadValues(String description, String key, UnaryOperator<PostgresRetryStoreConfig.Builder> change) {
        assertThatThrownBy(() -> change.apply(PostgresRetryStoreConfig.builder(URL)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("store-postgres config " + key + ":");
    }
}
