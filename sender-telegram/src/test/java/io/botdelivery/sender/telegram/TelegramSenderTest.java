package io.botdelivery.sender.telegram;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("TelegramSender")
class TelegramSenderTest {
    private final MutableClock clock = MutableClock.at("2026-02-01T00:00:00Z");
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TelegramSimulator telegram = start(SimulatorConfig.builder());
    private TelegramSender sender = sender(telegram, TelegramSenderConfig.defaults(telegram.token()));

    private TelegramSimulator start(SimulatorConfig.Builder config) {
        TelegramSimulator simulator = TelegramSimulator.start(config.clock(clock).build());
        resources.add(simulator);
        return simulator;
    }

    private TelegramSender sender(TelegramSimulator simulator, TelegramSenderConfig config) {
        TelegramSender created = new TelegramSender(config.withApiUrl(simulator.baseUrl())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), config.readTimeout()));
        resources.add(created);
        return created;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    private SendOutcome send(long chatId, Payload payload) {
        return sender.send(new SendRequest(DeliveryId.random(), chatId, payload, false, 1));
    }

    private static Payload.Album album(String prefix, int items) {
        List<Payload.Media> media = new ArrayList<>();
        for (int i = 1; i <= items; i++) {
            media.add(Payload.photo(MediaSource.url("https://cdn.example.com/" + prefix + i + ".jpg"), prefix + " " + i));
        }
        return new Payload.Album(media);
    }

    private static MediaSource.Bytes bytes(String name, String content) {
        return MediaSource.bytes(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertPermanent(SendOutcome outcome, FailureClass expected) {
        assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                p -> assertThat(p.failureClass()).isEqualTo(expected));
    }

    @Nested
    @DisplayName("turns every vector of telegram-errors.json, answered by the simulator, into the right outcome")
    class Vectors {
        static List<Named<ErrorVectors>> vectors() {
            return ErrorVectors.all();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("vectors")
        void vector(ErrorVectors v) {
            telegram.faults().next(Fault.raw(v.http(), v.contentType(), v.body()));
            boolean album = v.expected() == TelegramErrorClass.PARTIAL_ALBUM;
            SendOutcome outcome = send(-7001, album ? album("v", 4) : Payload.text("vector"));
            switch (v.expected()) {
                case RATE_LIMITED -> assertThat(outcome).isEqualTo(
                        new SendOutcome.RetryAfter(Duration.ofSeconds(v.retryAfterSeconds()), LimitScope.chat(-7001)));
                case REDIRECT -> assertThat(outcome).isEqualTo(new SendOutcome.Redirect(v.newChatId()));
                case TRANSIENT -> assertThat(outcome).isInstanceOf(SendOutcome.Transient.class);
                case PERMANENT_RECIPIENT -> assertPermanent(outcome, FailureClass.PERMANENT_RECIPIENT);
                case PERMANENT_PAYLOAD, STALE_FILE_ID -> assertPermanent(outcome, FailureClass.PERMANENT_PAYLOAD);
                case FATAL_CONFIG -> assertPermanent(outcome, FailureClass.FATAL_CONFIG);
                case PARTIAL_ALBUM -> assertThat(outcome).isInstanceOfSatisfying(SendOutcome.PartialAlbum.class, p -> {
                    assertThat(p.deliveredItems()).isEqualTo(v.firstUndeliveredItem() - 1);
                    assertThat(p.cause()).isInstanceOf(switch (v.innerClass()) {
                        case RATE_LIMITED -> SendOutcome.RetryAfter.class;
                        case TRANSIENT -> SendOutcome.Transient.class;
                        default -> SendOutcome.Permanent.class;
                    });
                });
            }
        }
    }

    @Nested
    @DisplayName("for each row of the error table, produced by the simulator's own rules")
    class ErrorTable {
        enum Recipient { BLOCKED, DEACTIVATED, NEVER_STARTED, KICKED, NOT_FOUND }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Recipient.class)
        @DisplayName("permanent, recipient: the user or chat cannot receive")
        void recipient(Recipient what) {
            long chat = what == Recipient.KICKED ? -8001 : 8001;
            switch (what) {
                case BLOCKED -> telegram.chats().block(chat);
                case DEACTIVATED -> telegram.chats().deactivate(chat);
                case NEVER_STARTED -> telegram.chats().neverStarted(chat);
                case KICKED -> telegram.chats().kick(chat);
                case NOT_FOUND -> telegram.chats().remove(chat);
            }
            assertPermanent(send(chat, Payload.text("x")), FailureClass.PERMANENT_RECIPIENT);
        }

        @Test
        @DisplayName("permanent, payload: markup Telegram cannot parse, an unknown file id, an upload over 413")
        void payload() {
            assertPermanent(send(8002, new Payload.Text("<b>open", ParseMode.HTML)), FailureClass.PERMANENT_PAYLOAD);
            assertPermanent(send(8003, Payload.photo(MediaSource.fileId("unknown"))), FailureClass.PERMANENT_PAYLOAD);
            TelegramSimulator small = start(SimulatorConfig.builder().maxRequestBytes(4096));
            TelegramSender toSmall = sender(small, TelegramSenderConfig.defaults(small.token()));
            SendOutcome outcome = toSmall.send(new SendRequest(DeliveryId.random(), 8004,
                    Payload.document(bytes("big.bin", "x".repeat(10_000))), false, 1));
            assertPermanent(outcome, FailureClass.PERMANENT_PAYLOAD);
            assertThat(((SendOutcome.Permanent) outcome).reason()).contains("413");
        }

        @Test
        @DisplayName("redirect: a migrated group answers with the supergroup's id, where the resend arrives")
        void redirect() {
            telegram.chats().migrate(-8005, -1008005);
            SendOutcome outcome = send(-8005, Payload.text("to the group"));
            assertThat(outcome).isEqualTo(new SendOutcome.Redirect(-1008005));
            assertThat(send(((SendOutcome.Redirect) outcome).newChatId(), Payload.text("to the group")))
                    .isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().contentsIn(-1008005)).containsExactly("to the group");
            assertThat(telegram.record().contentsIn(-8005)).isEmpty();
        }

        @Test
        @DisplayName("rate limited: a second message to a private chat within a second is RetryAfter, and is not sent")
        void rateLimited() {
            send(8006, Payload.text("one"));
            assertThat(send(8006, Payload.text("two")))
                    .isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(1), LimitScope.chat(8006)));
            assertThat(telegram.record().contentsIn(8006)).containsExactly("one");
        }

        @Test
        @DisplayName("transient: a 5xx, an unreachable URL, a refused connection")
        void transientFailures() throws IOException {
            telegram.faults().next(Fault.serverError());
            assertThat(send(8007, Payload.text("x"))).isInstanceOf(SendOutcome.Transient.class);
            telegram.files().failUrl("https://cdn.example.com/dead.jpg");
            assertThat(send(8008, Payload.photo(MediaSource.url("https://cdn.example.com/dead.jpg"))))
                    .isInstanceOf(SendOutcome.Transient.class);
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            TelegramSender offline = new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                    .withApiUrl(URI.create("http://127.0.0.1:" + closedPort)));
            resources.add(offline);
            assertThat(offline.send(new SendRequest(DeliveryId.random(), 8009, Payload.text("x"), false, 1)))
                    .isInstanceOf(SendOutcome.Transient.class);
        }

        @Test
        @DisplayName("transient: a request that could not be completely written (the server stopped reading)")
        void writeTimeout() throws Exception {
            try (ServerSocket deaf = new ServerSocket(0)) {
                CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                    try {
                        return deaf.accept(); // accepts, never reads
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                TelegramSender stuck = new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                        .withApiUrl(URI.create("http://127.0.0.1:" + deaf.getLocalPort()))
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(2)));
                resources.add(stuck);
                byte[] big = new byte[40 * 1024 * 1024];
                SendOutcome outcome = stuck.send(new SendRequest(DeliveryId.random(), 8010,
                        Payload.document(MediaSource.bytes("big.bin", big)), false, 1));
                assertThat(outcome).isInstanceOf(SendOutcome.Transient.class);
                accepted.join().close();
            }
        }

        @Test
        @DisplayName("ambiguous: the connection dropped after acceptance, or the answer was too slow")
        void ambiguous() {
            telegram.faults().next(Fault.dropAfterAccept());
            assertThat(send(8011, Payload.text("x"))).isInstanceOf(SendOutcome.Ambiguous.class);
            TelegramSender impatient = sender(telegram, TelegramSenderConfig.defaults(telegram.token())
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(200)));
            telegram.faults().next(Fault.latency(Duration.ofMillis(1000)));
            assertThat(impatient.send(new SendRequest(DeliveryId.random(), 8012, Payload.text("x"), false, 1)))
                    .isInstanceOf(SendOutcome.Ambiguous.class);
            assertThat(telegram.record().accepted()).hasSize(2);
        }

        @Test
        @DisplayName("partial album: items before #N delivered, the inner error classified")
        void partialAlbum() {
            telegram.faults().next(Fault.partialAlbum(2, "WEBPAGE_CURL_FAILED"));
            SendOutcome outcome = send(-8013, album("p", 3));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.PartialAlbum.class, p -> {
                assertThat(p.deliveredItems()).isEqualTo(1);
                assertThat(p.cause()).isInstanceOf(SendOutcome.Transient.class);
            });
        }

        @Test
        @DisplayName("fatal config: a wrong token (401) or a wrong API (404)")
        void fatalConfig() {
            TelegramSender wrongToken = sender(telegram, TelegramSenderConfig.defaults("42:thisTokenIsWrongWrongWrong"));
            assertPermanent(wrongToken.send(new SendRequest(DeliveryId.random(), 8014, Payload.text("x"), false, 1)),
                    FailureClass.FATAL_CONFIG);
            telegram.faults().next(Fault.error(404, "Not Found"));
            assertPermanent(send(8015, Payload.text("x")), FailureClass.FATAL_CONFIG);
        }
    }

    @Nested
    @DisplayName("resends only what is missing")
    class Resending {
        @Test
        @DisplayName("after a partial album, sending the rest delivers every item exactly once")
        void partialAlbumRest() {
            Payload.Album album = album("item", 5);
            telegram.faults().next(Fault.partialAlbum(3, "WEBPAGE_CURL_FAILED"));
            SendOutcome first = send(-9001, album);
            int delivered = ((SendOutcome.PartialAlbum) first).deliveredItems();
            assertThat(delivered).isEqualTo(2);
            SendOutcome rest = sender.send(new SendRequest(DeliveryId.random(), -9001, album.remainingAfter(delivered), false, 2));
            assertThat(rest).isInstanceOfSatisfying(SendOutcome.Delivered.class,
                    d -> assertThat(d.messageIds()).hasSize(3));
            assertThat(telegram.record().contentsIn(-9001)).containsExactly("item 1", "item 2", "item 3", "item 4", "item 5");
            assertThat(telegram.record().check(List.of("item 1", "item 2", "item 3", "item 4", "item 5")).isExactlyOnce()).isTrue();
        }

        @Test
        @DisplayName("a single item left over is sent as a single media, not an album")
        void singleLeftover() {
            Payload.Album album = album("solo", 2);
            telegram.faults().next(Fault.partialAlbum(2, "WEBPAGE_CURL_FAILED"));
            SendOutcome first = send(-9002, album);
            Payload rest = album.remainingAfter(((SendOutcome.PartialAlbum) first).deliveredItems());
            assertThat(rest).isInstanceOf(Payload.Media.class);
            assertThat(send(-9002, rest)).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(-9002)).extracting(AcceptedMessage::albumIndex).containsExactly(1, 0);
        }
    }

    @Nested
    @DisplayName("caches the file ids of uploads")
    class FileIds {
        @Test
        @DisplayName("an album's uploads are sent by file id the next time")
        void albumCached() {
            Payload.Album album = new Payload.Album(List.of(Payload.photo(bytes("a.jpg", "A")), Payload.video(bytes("b.mp4", "B"))));
            assertThat(send(-9101, album)).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(-9102, album)).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(-9102)).extracting(AcceptedMessage::origin)
                    .containsOnly(AcceptedMessage.Origin.FILE_ID);
            assertThat(sender.cachedFileIds()).isEqualTo(2);
        }

        @Test
        @DisplayName("a stale id in an album makes the whole album upload again, once")
        void staleAlbum() {
            Payload.Album album = new Payload.Album(List.of(Payload.photo(bytes("a.jpg", "A")), Payload.photo(bytes("b.jpg", "B"))));
            send(-9103, album);
            telegram.files().forgetAll();
            assertThat(send(-9104, album)).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(-9104)).extracting(AcceptedMessage::origin)
                    .containsOnly(AcceptedMessage.Origin.UPLOAD);
            assertThat(telegram.record().rejected()).hasSize(1);
        }

        @Test
        @DisplayName("a stale cached id inside a partial album is dropped, and the rest is uploaded on the resend")
        void staleInsidePartialAlbum() {
            Payload.Album album = new Payload.Album(List.of(Payload.photo(bytes("a.jpg", "A")), Payload.photo(bytes("b.jpg", "B"))));
            send(-9105, album);
            telegram.faults().next(Fault.partialAlbum(2, "Wrong file identifier/HTTP URL specified"));
            SendOutcome partial = send(-9106, album);
            assertThat(partial).isInstanceOfSatisfying(SendOutcome.PartialAlbum.class, p -> {
                assertThat(p.deliveredItems()).isEqualTo(1);
                assertThat(p.cause()).isInstanceOf(SendOutcome.Transient.class);
            });
            assertThat(sender.cachedFileIds()).isEqualTo(1);
            assertThat(send(-9106, album.remainingAfter(1))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(-9106)).extracting(AcceptedMessage::origin)
                    .containsExactly(AcceptedMessage.Origin.FILE_ID, AcceptedMessage.Origin.UPLOAD);
        }

        @Test
        @DisplayName("a file on disk is uploaded again once it changed")
        void changedFile(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("pack.zip");
            Files.writeString(file, "version 1");
            Payload.Media document = Payload.document(MediaSource.file(file));
            send(9107, document);
            send(9108, document);
            Files.writeString(file, "version 2, longer");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
            send(9109, document);
            assertThat(telegram.record().accepted()).extracting(AcceptedMessage::origin).containsExactly(
                    AcceptedMessage.Origin.UPLOAD, AcceptedMessage.Origin.FILE_ID, AcceptedMessage.Origin.UPLOAD);
        }

        @Test
        @DisplayName("is bounded")
        void bounded() {
            TelegramSender small = sender(telegram, TelegramSenderConfig.defaults(telegram.token()).withFileIdCacheSize(2));
            for (int i = 0; i < 3; i++) {
                small.send(new SendRequest(DeliveryId.random(), 9110 + i, Payload.photo(bytes(i + ".jpg", "content " + i)), false, 1));
            }
            assertThat(small.cachedFileIds()).isEqualTo(2);
        }

        @Test
        @DisplayName("two uploads with the same file name in one album both arrive")
        void sameNames() {
            Payload.Album album = new Payload.Album(List.of(
                    Payload.document(bytes("photo.jpg", "first")), Payload.document(bytes("photo.jpg", "second"))));
            assertThat(send(-9113, album)).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(-9113)).extracting(AcceptedMessage::fileName)
                    .containsExactly("photo.jpg", "2-photo.jpg");
        }

        @Test
        @DisplayName("a file that vanished since submission is a permanent payload failure")
        void vanished(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("gone.pdf");
            Files.writeString(file, "soon gone");
            Payload.Media document = Payload.document(MediaSource.file(file));
            Files.delete(file);
            assertPermanent(send(9114, document), FailureClass.PERMANENT_PAYLOAD);
        }
    }

    @Nested
    @DisplayName("never reveals the bot token")
    class Token {
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        private final List<Logger> verbose = List.of((Logger) LoggerFactory.getLogger("io.botdelivery"),
                (Logger) LoggerFactory.getLogger("org.telegram"), (Logger) LoggerFactory.getLogger("okhttp3"));

        @Test
        @DisplayName("in logs or outcome reasons of failing calls, even at TRACE level")
        void notInLogsOrReasons() throws IOException {
            String secret = telegram.token().substring(telegram.token().indexOf(':') + 1);
            ListAppender<ILoggingEvent> captured = new ListAppender<>();
            captured.start();
            root.addAppender(captured);
            verbose.forEach(l -> l.setLevel(Level.TRACE));
            List<String> reasons = new ArrayList<>();
            try {
                telegram.faults().next(Fault.dropAfterAccept(), Fault.nonJsonServerError(502), Fault.error(401, "Unauthorized"));
                reasons.add(String.valueOf(send(1, Payload.text("a"))));
                reasons.add(String.valueOf(send(2, Payload.text("b"))));
                reasons.add(String.valueOf(send(3, Payload.text("c"))));
                int closedPort;
                try (ServerSocket socket = new ServerSocket(0)) {
                    closedPort = socket.getLocalPort();
                }
                TelegramSender offline = new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                        .withApiUrl(URI.create("http://127.0.0.1:" + closedPort)));
                resources.add(offline);
                reasons.add(String.valueOf(offline.send(new SendRequest(DeliveryId.random(), 4, Payload.text("d"), false, 1))));
                reasons.add(offline.toString());
                reasons.add(TelegramSenderConfig.defaults(telegram.token()).toString());
            } finally {
                root.detachAppender(captured);
                verbose.forEach(l -> l.setLevel(null));
            }
            assertThat(reasons).hasSize(6).noneMatch(r -> r.contains(secret));
            assertThat(captured.list).isNotEmpty().allSatisfy(event -> {
                assertThat(event.getFormattedMessage()).doesNotContain(secret);
                if (event.getThrowableProxy() != null) {
                    assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).doesNotContain(secret);
                }
            });
        }

        @Test
        @DisplayName("in the messages of the exceptions behind a failure")
        void notInExceptionMessages() {
            TelegramApi api = new TelegramApi(TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl()));
            resources.add(api);
            String secret = telegram.token().substring(telegram.token().indexOf(':') + 1);
            telegram.faults().next(Fault.dropAfterAccept());
            TelegramApi.Result<?> result = api.call(TelegramRequests.text(5, Payload.text("x"), false));
            assertThat(result).isInstanceOfSatisfying(TelegramApi.Result.Failed.class,
                    f -> assertThat(f.failure().toString()).doesNotContain(secret).contains("no answer"));
        }
    }

    @Test
    @DisplayName("reads every byte of an upload from the path it was given")
    void uploadFromPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("manual.pdf");
        Files.write(file, "PDF-1.7 manual".getBytes(StandardCharsets.UTF_8));
        assertThat(send(9201, Payload.document(MediaSource.file(file), "the manual"))).isInstanceOf(SendOutcome.Delivered.class);
        String fileId = telegram.record().acceptedIn(9201).get(0).fileId();
        assertThat(telegram.files().find(fileId)).get().satisfies(f -> {
            assertThat(f.size()).isEqualTo(Files.size(file));
            assertThat(f.fileName()).isEqualTo("manual.pdf");
        });
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(in.readAllBytes()).hasSize((int) Files.size(file));
        }
    }

    @Test
    @DisplayName("keeps every connection a burst opened for the next burst (a new connection arrives a handshake late)")
    void keepsBurstConnectionsForTheNextBurst() throws Exception {
        // a round trip keeps the burst's calls on the wire together, so each needs a connection of its own
        TelegramSimulator slow = start(SimulatorConfig.builder().roundTrip(Duration.ofMillis(300)));
        TelegramSender onSlow = sender(slow, TelegramSenderConfig.defaults(slow.token()));
        int burst = 40;
        ExecutorService callers = Executors.newFixedThreadPool(burst);
        try {
            for (int round = 0; round < 2; round++) {
                List<CompletableFuture<SendOutcome>> calls = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    long chatId = 9300 + i;
                    calls.add(CompletableFuture.supplyAsync(() -> onSlow.send(
                            new SendRequest(DeliveryId.random(), chatId, Payload.text("burst"), false, 1)), callers));
                }
                // answered, delivered or 429 (the simulator's clock stands still): either way the call was on a connection
                calls.forEach(CompletableFuture::join);
            }
        } finally {
            callers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> onSlow.spareConnectionsOpening() == 0);
        // every connection opened is still open for the next burst (a client that kept 32 idle ones closed the rest)
        assertThat(slow.record().connections()).isGreaterThanOrEqualTo(burst);
        assertThat(onSlow.openConnections()).isEqualTo(slow.record().connections());
    }

    @Test
    @DisplayName("opens spare connections beside the first call, and a later send takes one of them")
    void opensSpareConnectionsAheadOfTheSends() {
        TelegramSimulator slow = start(SimulatorConfig.builder().roundTrip(Duration.ofMillis(100)));
        TelegramSender onSlow = sender(slow, TelegramSenderConfig.defaults(slow.token()));
        Runnable sendOne = () -> assertThat(onSlow.send(new SendRequest(DeliveryId.random(), 9400, Payload.text("x"), false, 1)))
                .isInstanceOf(SendOutcome.Delivered.class);

        sendOne.run();
        await().atMost(Duration.ofSeconds(10)).until(() -> onSlow.spareConnectionsOpening() == 0);
        // the send's own connection and the spares opened beside it
        assertThat(slow.record().connections()).isEqualTo(1 + SpareConnections.MIN_SPARE);

        clock.advance(Duration.ofSeconds(2)); // the chat's one message a second
        sendOne.run();
        await().atMost(Duration.ofSeconds(10)).until(() -> onSlow.spareConnectionsOpening() == 0);
        // the second send found an open connection, and the idle ones left are still the spare: nothing new
        assertThat(slow.record().connections()).isEqualTo(1 + SpareConnections.MIN_SPARE);
        assertThat(slow.record().acceptedIn(9400)).hasSize(2);
    }
}
