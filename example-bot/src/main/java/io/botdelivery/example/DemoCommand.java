package io.botdelivery.example;

import io.botdelivery.example.console.ProgressBar;
import io.botdelivery.example.demo.DemoScenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code demo}: the whole bot against an in-process Telegram simulator; no token, no servers. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the shop bot and a broadcast against a Telegram simulator started in this process, with Telegram's",
                "limits and a small share of injected faults (blocked users, 5xx, dropped connections, a 429). Local",
                "limiter, memory store: no token and no servers needed. Ends with a summary table."})
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.ParentCommand
    Main main;

    @Option(names = "--buyers", defaultValue = "200", description = "Simulated buyers (default: ${DEFAULT-VALUE}).")
    int buyers;

    @Option(names = "--audience", defaultValue = "3000", description = "Broadcast recipients (default: ${DEFAULT-VALUE}).")
    int audience;

    @Option(names = "--blocked-share", defaultValue = "0.01", description = "Share of users who blocked the bot (default: ${DEFAULT-VALUE}).")
    double blockedShare;

    @Option(names = "--fault-share", defaultValue = "0.01", description = "Share of sends hit by a 5xx or a dropped connection (default: ${DEFAULT-VALUE}).")
    double faultShare;

    @Option(names = "--arrivals-per-second", defaultValue = "3", description = "How fast buyers show up (default: ${DEFAULT-VALUE}).")
    int arrivalsPerSecond;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed, for a repeatable run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        DemoScenario.Settings settings;
        try {
            settings = new DemoScenario.Settings(buyers, audience, blockedShare, faultShare, arrivalsPerSecond, seed);
        } catch (IllegalArgumentException e) {
            throw new io.botdelivery.example.config.ConfigException("demo: " + e.getMessage());
        }
        return new DemoScenario(settings, main.out(), ProgressBar.stdoutIsTerminal()).run();
    }
}
