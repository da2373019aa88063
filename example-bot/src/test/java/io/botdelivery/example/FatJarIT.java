package io.botdelivery.example;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/** What the runnable jar a user deploys may contain: the bot and its libraries, nothing made for tests. */
@DisplayName("The example bot's runnable jar")
class FatJarIT {

    private static final Path JAR = Path.of("target", "example-bot.jar");

    @Test
    @DisplayName("contains the bot and the simulator for the demo, and no test kit, test library or embedded server")
    void shipsNoTestCode() throws IOException {
        assertThat(JAR).as("built by 'mvn package' before this test runs").exists();
        List<String> entries;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
        }
        assertThat(entries)
                .contains("io/botdelivery/example/Main.class", "io/botdelivery/simulator/TelegramSimulator.class")
                .noneMatch(name -> name.startsWith("io/botdelivery/testkit/"))
                .noneMatch(name -> name.startsWith("org/junit/"))
                .noneMatch(name -> name.startsWith("org/assertj/"))
                .noneMatch(name -> name.startsWith("io/zonky/"))
                .noneMatch(name -> name.startsWith("redis/embedded/"));
        assertThat(Files.size(JAR)).isPositive();
    }
}
