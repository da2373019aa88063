package io.botdelivery.example;

import picocli.CommandLine.Command;

@Command(name = "demo")
final class DemoCommand extends BotCommand {
    @Override
    public Integer call() {
        return 0;
    }
}
