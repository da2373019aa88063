package io.botdelivery.example;

import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Payload;
import io.botdelivery.example.broadcast.Broadcast;
import io.botdelivery.example.broadcast.BroadcastResult;
import io.botdelivery.example.broadcast.BroadcastRunner;
import io.botdelivery.example.broadcast.ChatList;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.ConfigException;
import io.botdelivery.example.config.LayeredSettings;
import io.botdelivery.example.config.MediaReference;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.console.ProgressBar;
import io.botdelivery.example.wiring.BotRuntime;
import io.botdelivery.example.wiring.StartupChecks;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code broadcast}: one message to every chat in a file, at the full allowed rate, resumable. */
@Command(name = "broadcast", mixinStandardHelpOptions = true,
        description = {"Sends a text or media message to every chat id in a file (one per line; '#' comments and blank lines",
                "are ignored; bad lines are reported with their number and skipped) through the engine, at the full rate",
                "Telegram allows. Running the same --name again over the same file skips every chat already delivered."})
final class BroadcastCommand extends BotCommand {
    /** Exit code when --max-wait ran out with deliveries of the broadcast still pending: a script must not take it for done. */
    static final int EXIT_STILL_QUEUED = 3;

    @Option(names = "--name", required = true, paramLabel = "<NAME>",
            description = "Names the broadcast; a rerun with the same name sends nothing twice (A-Z, a-z, 0-9, '.', '_', '-').")
    String name;

    @Option(names = "--chats", required = true, paramLabel = "<FILE>", description = "File of chat ids, one per line.")
    Path chats;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Message message;

    static final class Message {
        @Option(names = "--text", paramLabel = "<TEXT>", description = "Text to send (1 to 4096 characters).")
        String text;
        @Option(names = "--text-file", paramLabel = "<FILE>", description = "File whose content is the text to send.")
        Path textFile;
        @Option(names = "--photo", paramLabel = "<REF>", description = "Photo to send: " + MediaReference.HINT + ".")
        String photo;
        @Option(names = "--video", paramLabel = "<REF>", description = "Video to send: " + MediaReference.HINT + ".")
        String video;
        @Option(names = "--document", paramLabel = "<REF>", description = "Document to send: " + MediaReference.HINT + ".")
        String document;
    }

    @Option(names = "--caption", paramLabel = "<TEXT>", description = "Caption of the photo, video or document (at most 1024 characters).")
    String caption;

    @Option(names = "--paid", description = "Use Telegram's paid-broadcast lane (allow_paid_broadcast: up to 1000 msg/s, charged in Stars).")
    boolean paid;

    @Option(names = "--max-wait", paramLabel = "<SECONDS>", defaultValue = "3600",
            description = {"Stop waiting after this long; unfinished chats stay queued in the store and the command exits "
                    + BroadcastCommand.EXIT_STILL_QUEUED + " (default: ${DEFAULT-VALUE})."})
    long maxWaitSeconds;

    @Override
    public Integer call() throws IOException {
        LayeredSettings settings = settings();
        BotConfig config = config(settings);
        Secret token = botToken(settings);
        Broadcast broadcast = broadcast();
        ChatList list = readChats();
        list.badLines().forEach(bad -> main.err().println(chats + ": " + bad + "; skipped"));
        BroadcastResult result;
        StartupChecks.awaitDependencies(config, token, BotConfig.startupWait(settings), main.err()::println);
        try (BotRuntime runtime = BotRuntime.start(config, token)) {
            double budget = paid ? config.budgets().paidBroadcast().permits() : config.budgets().global().permits();
            // progress read from the store, so deliveries another replica sends count too
            result = new BroadcastRunner(runtime.engine(), runtime.store(), main.out(), ProgressBar.stdoutIsTerminal())
                    .run(broadcast, list, Duration.ofSeconds(maxWaitSeconds), budget);
        }
        result.table().print(main.out());
        if (result.stillQueued() > 0) {
            main.err().println(result.stillQueued() + " chat(s) not finished within --max-wait; run the same command again to continue"
                    + (config.store() == io.botdelivery.example.config.StoreChoice.MEMORY ? " (store=memory: they are not kept)" : ""));
            return EXIT_STILL_QUEUED;
        }
        return 0;
    }

    private Broadcast broadcast() {
        Payload payload;
        try {
            if (message.text != null) {
                payload = Payload.text(message.text);
            } else if (message.textFile != null) {
                payload = Payload.text(readText(message.textFile));
            } else if (message.photo != null) {
                payload = Payload.photo(MediaReference.parse(message.photo, Path.of("")), caption);
            } else if (message.video != null) {
                payload = Payload.video(MediaReference.parse(message.video, Path.of("")), caption);
            } else {
                payload = Payload.document(MediaReference.parse(message.document, Path.of("")), caption);
            }
        } catch (InvalidDeliveryException e) {
            throw new ConfigException("the broadcast message: " + e.getMessage());
        }
        try {
            return new Broadcast(name, payload, paid);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--name: " + e.getMessage());
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("--text-file: expected a readable text file, got '" + file + "' (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ChatList readChats() {
        try {
            return ChatList.read(chats);
        } catch (IOException e) {
            throw new ConfigException("--chats: expected a readable file of chat ids, got '" + chats + "' (" + e.getClass().getSimpleName() + ")");
        }
    }
}
