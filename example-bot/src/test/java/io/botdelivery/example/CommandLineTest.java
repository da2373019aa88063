package io.botdelivery.example;

import io.botdelivery.example.config.ConfigKey;
import io.botdelivery.example.config.ConfigKeys;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

public class CommandLineTest {
    @TempDir
    Path dir;

    /** One run of the command line with captured output. */
    public record Run(int exitCode, String out, String err) {
    }

    public static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Nested
    @DisplayName("--help")
    class Help {
        @ParameterizedTest(name = "{0} --help explains every configuration key with its flag and environment variable")
        @ValueSource(strings = {"run", "broadcast"})
        void everyKey(String command) {
            Run r = run(Map.of(), command, "--help");
            assertThat(r.exitCode()).isZero();
            // picocli may wrap a long line after a dot ("postgres.<newline>url"): join such breaks back
            String help = r.out().replaceAll("\\.\\s+(?=[a-z])", ".").replaceAll("\\s+", " ");
            for (ConfigKey key : ConfigKeys.ALL) {
                assertThat(help).contains(key.flagName()).contains(key.envName()).contains("Config key " + key.name());
            }
            assertThat(r.out()).contains("--config");
        }

        @Test
        @DisplayName("the top-level help names the three commands and where the token comes from")
        void topLevel() {
            Run r = run(Map.of(), "--help");
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("run", "broadcast", "demo", "BOT_TOKEN", "bot.token-file");
        }

        @Test
        @DisplayName("broadcast's help explains its own options")
        void broadcastOptions() {
            Run r = run(Map.of(), "broadcast", "--help");
            assertThat(r.out()).contains("--name", "--chats", "--text", "--photo", "--video", "--document", "--caption", "--paid", "--max-wait");
        }
    }

    @Nested
    @DisplayName("Start-up stops on a bad configuration")
    class StartUp {
        @Test
        @DisplayName("a wrong value: exit code 2 and a message naming the key and what is expected")
        void wrongValue() {
            Run r = run(Map.of("BOT_TOKEN", "123456:ABCdefghijkl"), "run", "--limiter", "memcached", "--http-port", "-1");
            assertThat(r.exitCode()).isEqualTo(Main.CONFIG_ERROR);
            assertThat(r.err()).contains("Cannot start: the configuration has 1 problem:")
                    .contains("limiter: expected local or redis, got 'memcached' (from flag --limiter)");
        }

        @Test
        @DisplayName("a missing token: exit code 2 and where to put it")
        void missingToken() {
            Run r = run(Map.of(), "run", "--http-port", "-1");
            assertThat(r.exitCode()).isEqualTo(Main.CONFIG_ERROR);
            assertThat(r.err()).contains("bot token: missing; set the BOT_TOKEN environment variable");
        }

        @Test
        @DisplayName("a missing config file is named")
        void missingFile() {
            Run r = run(Map.of(), "run", "--config", dir.resolve("nope.yml").toString());
            assertThat(r.exitCode()).isEqualTo(Main.CONFIG_ERROR);
            assertThat(r.err()).contains("--config: expected a readable YAML file");
        }

        @Test
        @DisplayName("the config file can be named by BOT_CONFIG")
        void configFromEnv() throws Exception {
            Path yml = dir.resolve("bot.yml");
            Files.writeString(yml, "store: oracle\n");
            Run r = run(Map.of("BOT_CONFIG", yml.toString()), "run");
            assertThat(r.err()).contains("store: expected memory or postgres, got 'oracle' (from config file " + yml + ")");
        }

        @Test
        @DisplayName("the token cannot be given as a flag: it would show in ps and shell history")
        void noTokenFlag() {
            Run r = run(Map.of(), "run", "--token", "123456:ABCdefghijkl");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("Unknown option").doesNotContain("ABCdefghijkl");
        }

        @Test
        @DisplayName("broadcast reports a bad name before it starts anything")
        void badBroadcastName() throws Exception {
            Path chats = Files.writeString(dir.resolve("chats.txt"), "1\n");
            Run r = run(Map.of("BOT_TOKEN", "123456:ABCdefghijkl"), "broadcast", "--name", "spring sale!", "--chats",
                    chats.toString(), "--text", "hi", "--http-port", "-1");
            assertThat(r.exitCode()).isEqualTo(Main.CONFIG_ERROR);
            assertThat(r.err()).contains("--name: a broadcast name is 1 to 64 of");
        }
    }
}
