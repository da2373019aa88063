package io.botdelivery.example;

import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.ConfigException;
import io.botdelivery.example.config.ConfigKeys;
import io.botdelivery.example.config.ConfigOptions;
import io.botdelivery.example.config.LayeredSettings;
import io.botdelivery.example.config.Secret;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** What every subcommand shares: the config file option, and reading the layered configuration. */
abstract class BotCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<FILE>",
            description = "YAML config file (env " + ConfigKeys.CONFIG_FILE_ENV + "); environment variables and flags override it.")
    Path configFile;

    LayeredSettings settings() {
        Path file = configFile;
        if (file == null && main.env().get(ConfigKeys.CONFIG_FILE_ENV) != null) {
            file = Path.of(main.env().get(ConfigKeys.CONFIG_FILE_ENV));
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw new ConfigException("--config: expected a readable YAML file, got '" + file + "' (no such file)");
        }
        return LayeredSettings.load(file, main.env(), ConfigOptions.givenFlags(spec));
    }

    BotConfig config(LayeredSettings settings) {
        return BotConfig.from(settings, main.env());
    }

    Secret botToken(LayeredSettings settings) {
        return BotConfig.botToken(settings, main.env());
    }
}
