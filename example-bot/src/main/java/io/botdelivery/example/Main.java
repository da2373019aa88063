package io.botdelivery.example;

import io.botdelivery.api.Redaction;
import io.botdelivery.example.config.ConfigException;
import io.botdelivery.example.wiring.StartupChecks;
import io.botdelivery.example.config.ConfigKeys;
import io.botdelivery.example.config.ConfigOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * {@code java -jar example-bot.jar run|broadcast|demo}: the shop bot, the broadcast tool and the no-setup demo.
 * Configuration comes from a YAML file ({@code --config}), overridden by environment variables, overridden by flags.
 */
@Command(name = "example-bot", mixinStandardHelpOptions = true, version = "example-bot 0.1.0",
        subcommands = {RunCommand.class, BroadcastCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        description = "A Telegram shop bot that delivers every purchased file as fast as Telegram allows, never faster.",
        footer = {"",
                "Configuration: a YAML file (--config or " + ConfigKeys.CONFIG_FILE_ENV + "), overridden by environment variables,",
                "overridden by flags. The bot token comes only from the " + ConfigKeys.TOKEN_ENV + " environment variable or the file named by",
                "bot.token-file; it is never a flag and never logged. Run 'example-bot help <command>' for each command's options."})
public final class Main implements Runnable {
    /** Exit code when the configuration is wrong (as picocli uses for a bad command line). */
    public static final int CONFIG_ERROR = 2;
    /** Exit code when a dependency (store, Telegram, Redis) did not answer within startup.wait. */
    public static final int START_FAILED = 1;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    Main(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("demo") && System.getenv("BOT_LOG_LEVEL") == null) {
            // the demo injects faults on purpose: their warnings would only hide its progress bar and table
            System.setProperty("BOT_LOG_LEVEL", "ERROR");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(args, System.getenv(), out, err));
    }

    /** Runs a command line as {@link #main} does, with the environment and streams given (for tests); returns the exit code. */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Main main = new Main(env, out, err);
        CommandLine cl = new CommandLine(main);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof BotCommand) {
                ConfigOptions.addTo(sub.getCommandSpec());
            }
        }
        cl.setUsageHelpWidth(120);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        // picocli echoes unknown arguments; one of them may be a token typed where it does not belong
        cl.setParameterExceptionHandler((e, arguments) -> {
            err.println(Redaction.redact(e.getMessage()));
            e.getCommandLine().usage(err);
            return CONFIG_ERROR;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException config) {
                err.println("Cannot start: the configuration has " + config.problems().size()
                        + (config.problems().size() == 1 ? " problem:" : " problems:"));
                config.problems().forEach(p -> err.println("  - " + p));
                return CONFIG_ERROR;
            }
            if (e instanceof StartupChecks.DependencyDownException down) {
                down.lines().forEach(line -> err.println("Cannot start: " + line));
                return START_FAILED;
            }
            if (e instanceof com.google.inject.ProvisionException || e instanceof com.google.inject.CreationException) {
                // a dependency that went down between the start-up check and the wiring: one line, not Guice's trace
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                err.println("Cannot start: " + Redaction.redact(root.getClass().getSimpleName() + ": " + root.getMessage()));
                return START_FAILED;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(out);
    }

    Map<String, String> env() {
        return env;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }
}
