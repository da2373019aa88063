package io.botdelivery.simulator;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * An HTTP server on 127.0.0.1 (a random free port) that speaks the Telegram Bot API at its root path
 * ({@code /bot<token>/<method>}) strictly enough to test a bot against: Telegram's answer shapes, its validation, its
 * flood limits as sliding windows answered with 429 and {@code retry_after}, injected faults, and a
 * {@link SimulatorRecord record} of everything it accepted and refused.
 *
 * <pre>{@code
 * try (TelegramSimulator telegram = TelegramSimulator.start()) {
 *     TelegramClient client = new OkHttpTelegramClient(telegram.token(),
 *             new TelegramUrl("http", telegram.host(), telegram.port(), false));
 *     ...
 *     assertThat(telegram.record().rateLimited()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the server and ends long polls.
 */
public final class TelegramSimulator implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final SimulatorConfig config;
    private final SimulatedChats chats;
    private final SimulatedFiles files;
    private final SimulatedUpdates updates;
    private final FaultInjector faults;
    private final SimulatorRecord record;
    private final Undertow server;
    private final int port;

    private TelegramSimulator(SimulatorConfig config) {
        this.config = config;
        this.chats = new SimulatedChats(config.knownChatsOnly());
        this.files = new SimulatedFiles();
        this.updates = new SimulatedUpdates(chats, config.clock(), config.webhookRetryDelay());
        this.faults = new FaultInjector(config.faultRates());
        this.record = new SimulatorRecord(config);
        Shapes shapes = new Shapes(config.botId());
        SendMethods sends = new SendMethods(chats, files, new SimulatedLimits(config), record, shapes, config.clock());
        BotApi api = new BotApi(shapes, sends, updates, files);
        this.server = Undertow.builder()
                .addHttpListener(0, HOST)
                .setIoThreads(2)
                .setWorkerThreads(config.workerThreads())
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .setServerOption(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, true)
                .setHandler(new HttpFront(config, api, faults, record))
                .build();
        server.start();
        this.port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Starts a simulator with Telegram's limits, real time and no faults. */
    public static TelegramSimulator start() {
        return start(SimulatorConfig.defaults());
    }

    public static TelegramSimulator start(SimulatorConfig config) {
        return new TelegramSimulator(config);
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}; calls go to {@code <base>/bot<token>/<method>}. */
    public URI baseUrl() {
        return URI.create("http://" + HOST + ":" + port);
    }

    /** The token the simulator accepts. */
    public String token() {
        return config.token();
    }

    public SimulatorConfig config() {
        return config;
    }

    /** The chats and what their users did (block, migrate, …). */
    public SimulatedChats chats() {
        return chats;
    }

    /** The files Telegram holds (make ids stale, URLs unreachable). */
    public SimulatedFiles files() {
        return files;
    }

    /** Inject users' messages and payments; read pre-checkout answers. */
    public SimulatedUpdates updates() {
        return updates;
    }

    /** Script faults or change their random rates. */
    public FaultInjector faults() {
        return faults;
    }

    /** Everything accepted, refused and injected so far. */
    public SimulatorRecord record() {
        return record;
    }

    @Override
    public void close() {
        updates.close();
        server.stop();
    }

    @Override
    public String toString() {
        return "TelegramSimulator[" + baseUrl() + "]";
    }
}
