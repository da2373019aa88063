package io.botdelivery.example.config;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds one command-line flag per {@link ConfigKeys configuration key} to a picocli command, and reads back the ones
 * given. The bot token has no flag on purpose: flags show in {@code ps} and shell history.
 */
public final class ConfigOptions {
    private ConfigOptions() {
    }

    /** Adds {@code --api-url}, {@code --limiter}, ... to {@code spec}, each described with its env variable and default. */
    public static void addTo(CommandSpec spec) {
        for (ConfigKey key : ConfigKeys.ALL) {
            String defaults = key.defaultValue() == null ? "no default"
                    : "default: " + (key.defaultValue().isEmpty() ? "none" : key.defaultValue());
            spec.addOption(OptionSpec.builder(key.flagName())
                    .paramLabel("<" + key.valueHint() + ">")
                    .type(String.class)
                    .description(key.description() + ". Config key " + key.name() + ", env " + key.envName() + "; " + defaults + ".")
                    .build());
        }
    }

    /** The configuration flags given on this command line, by key name. */
    public static Map<String, String> givenFlags(CommandSpec spec) {
        Map<String, String> given = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            OptionSpec option = spec.findOption(key.flagName());
            if (option != null && option.getValue() != null) {
                given.put(key.name(), option.getValue());
            }
        }
        return given;
    }
}
