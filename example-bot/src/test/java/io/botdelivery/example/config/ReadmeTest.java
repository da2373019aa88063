package io.botdelivery.example.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReadmeTest {
    @Test
    @DisplayName("the README's configuration table lists every key with its default")
    void everyKeyDocumented() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKeys.ALL) {
            String defaultCell = key.defaultValue() == null ? "—" : key.defaultValue().isEmpty() ? "none" : "`" + key.defaultValue() + "`";
            assertThat(readme).as(key.name()).contains("| `" + key.name() + "` | " + defaultCell + " |");
        }
        for (String field : ConfigKeys.PRODUCT_FIELDS) {
            assertThat(readme).contains("| `products.<id>." + field + "` |");
        }
    }
}
