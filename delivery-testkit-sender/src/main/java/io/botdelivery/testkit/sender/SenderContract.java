package io.botdelivery.testkit.sender;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link Sender} must do, checked against a {@link TelegramSimulator}. An adapter's test extends this class
 * and says how to build its sender:
 *
 * <pre>{@code
 * class TelegramSenderContractTest extends SenderContract {
 *     @Override protected Sender createSender(Target target) { return new TelegramSender(...target...); }
 *     @Override protected Set<Capability> capabilities() { return EnumSet.allOf(Capability.class); }
 * }
 * }</pre>
 *
 * Behaviour beyond the port's core is gated by {@link Capability}: a sender that does not declare one shows those
 * tests as skipped, never as passed. The simulator runs on a {@link MutableClock}, so its rate limits only bite where a
 * test means them to.
 */
public abstract class SenderContract {

    /** Optional behaviour a sender may declare. */
    public enum Capability {
        /** Uploads files from bytes or a path. */
        UPLOADS,
        /** Sends albums (media groups). */
        ALBUMS,
        /** Sends a repeated upload by its file_id, and falls back to the upload when Telegram calls the id stale. */
        FILE_ID_CACHE,
        /** Passes {@code allow_paid_broadcast} through. */
        PAID_BROADCAST
    }

    /**
     * Where the sender must send: the simulator's base URL and token, and the read timeout it should use (tests of
     * lost answers need a short one).
     */
    public record Target(URI apiUrl, String token, Duration readTimeout) {
    }

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    protected TelegramSimulator telegram;
    private final List<Sender> senders = new ArrayList<>();
    private Sender sender;

    /** A sender for {@code target}. Closed after each test if it is {@link AutoCloseable}. */
    protected abstract Sender createSender(Target target);

    /** What this sender can do beyond the core; none by default. */
    protected Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    @BeforeEach
    void startTelegram() {
        telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
        sender = sender(telegram.baseUrl(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stopTelegram() throws Exception {
        for (Sender s : senders) {
            if (s instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
        telegram.close();
    }

    private Sender sender(URI apiUrl, Duration readTimeout) {
        Sender created = createSender(new Target(apiUrl, telegram.token(), readTimeout));
        senders.add(created);
        return created;
    }

    protected SendOutcome send(long chatId, Payload payload) {
        return sender.send(new SendRequest(DeliveryId.random(), chatId, payload, false, 1));
    }

    private void require(Capability capability) {
        assumeTrue(capabilities().contains(capability), "the sender does not declare " + capability);
    }

    private static MediaSource.Bytes bytes(String name) {
        return MediaSource.bytes(name, ("content of " + name).getBytes(StandardCharsets.UTF_8));
    }

    private static Payload.Album album(int items) {
        List<Payload.Media> media = new ArrayList<>();
        for (int i = 1; i <= items; i++) {
            media.add(Payload.photo(MediaSource.url("https://cdn.example.com/" + i + ".jpg"), "item " + i));
        }
        return new Payload.Album(media);
    }

    @Nested
    @DisplayName("delivering")
    class Delivering {
        @Test
        @DisplayName("a text arrives once and comes back Delivered with its message id")
        void text() {
            SendOutcome outcome = send(1001, Payload.text("hello"));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(((SendOutcome.Delivered) outcome).messageIds()).containsExactly(1L);
            assertThat(telegram.record().contentsIn(1001)).containsExactly("hello");
        }

        @Test
        @DisplayName("media by URL arrives with its caption")
        void mediaByUrl() {
            SendOutcome outcome = send(1002, Payload.video(MediaSource.url("https://cdn.example.com/v.mp4"), "watch"));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(1002)).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo("video");
                assertThat(m.text()).isEqualTo("watch");
                assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.URL);
            });
        }

        @Test
        @DisplayName("an upload of bytes arrives as an upload")
        void upload() {
            require(Capability.UPLOADS);
            SendOutcome outcome = send(1003, Payload.document(bytes("invoice.pdf"), "your invoice"));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(1003)).singleElement().satisfies(m -> {
                assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.UPLOAD);
                assertThat(m.fileName()).isEqualTo("invoice.pdf");
            });
        }

        @Test
        @DisplayName("an album arrives whole, its message ids in item order")
        void albumArrives() {
            require(Capability.ALBUMS);
            SendOutcome outcome = send(-1004, album(3));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(((SendOutcome.Delivered) outcome).messageIds()).containsExactly(1L, 2L, 3L);
            assertThat(telegram.record().contentsIn(-1004)).containsExactly("item 1", "item 2", "item 3");
        }

        @Test
        @DisplayName("a paid broadcast reaches Telegram flagged as one")
        void paidBroadcast() {
            require(Capability.PAID_BROADCAST);
            SendOutcome outcome = sender.send(new SendRequest(DeliveryId.random(), 1005, Payload.text("sale"), true, 1));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(1005)).singleElement()
                    .satisfies(m -> assertThat(m.paidBroadcast()).isTrue());
        }

        @Test
        @DisplayName("concurrent sends to different chats all arrive")
        void concurrent() throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<CompletableFuture<SendOutcome>> outcomes = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    long chat = 2000 + i;
                    outcomes.add(CompletableFuture.supplyAsync(() -> send(chat, Payload.text("to " + chat)), pool));
                }
                for (CompletableFuture<SendOutcome> outcome : outcomes) {
                    assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Delivered.class);
                }
                assertThat(telegram.record().accepted()).hasSize(25);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("classifying Telegram's answers")
    class Classifying {
        @Test
        @DisplayName("a 429 is RetryAfter with Telegram's retry_after, in the chat's scope")
        void rateLimited() {
            send(3001, Payload.text("first"));
            SendOutcome outcome = send(3001, Payload.text("too soon"));
            assertThat(outcome).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(1), LimitScope.chat(3001)));
        }

        @Test
        @DisplayName("a blocked user is a permanent recipient failure")
        void blocked() {
            telegram.chats().block(3002);
            assertThat(send(3002, Payload.text("x"))).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT));
        }

        @Test
        @DisplayName("a migrated group is a Redirect to the supergroup")
        void migrated() {
            telegram.chats().migrate(-3003, -1003003);
            assertThat(send(-3003, Payload.text("x"))).isEqualTo(new SendOutcome.Redirect(-1003003));
        }

        @Test
        @DisplayName("content Telegram refuses is a permanent payload failure")
        void payload() {
            SendOutcome outcome = send(3004, new Payload.Text("<b>never closed", io.botdelivery.api.ParseMode.HTML));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
        }

        @Test
        @DisplayName("a wrong token is a fatal configuration failure")
        void wrongToken() {
            Sender wrong = createSender(new Target(telegram.baseUrl(), "123456:wrongTokenWrongTokenWrong", Duration.ofSeconds(5)));
            senders.add(wrong);
            SendOutcome outcome = wrong.send(new SendRequest(DeliveryId.random(), 3005, Payload.text("x"), false, 1));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.FATAL_CONFIG));
        }

        @Test
        @DisplayName("a 5xx, with or without a JSON body, is transient")
        void serverErrors() {
            telegram.faults().next(Fault.serverError(), Fault.nonJsonServerError(502));
            assertThat(send(3006, Payload.text("x"))).isInstanceOf(SendOutcome.Transient.class);
            assertThat(send(3007, Payload.text("y"))).isInstanceOf(SendOutcome.Transient.class);
            assertThat(telegram.record().accepted()).isEmpty();
        }

        @Test
        @DisplayName("an album failing at item N is a PartialAlbum of N - 1 delivered items with the inner error classified")
        void partialAlbum() {
            require(Capability.ALBUMS);
            telegram.faults().next(Fault.partialAlbum(3, "WEBPAGE_MEDIA_EMPTY"));
            SendOutcome outcome = send(-3008, album(4));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.PartialAlbum.class, p -> {
                assertThat(p.deliveredItems()).isEqualTo(2);
                assertThat(p.cause()).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                        c -> assertThat(c.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
            });
        }
    }

    @Nested
    @DisplayName("on network failures")
    class Network {
        @Test
        @DisplayName("a refused connection is transient: nothing was sent")
        void refused() throws IOException {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            Sender offline = sender(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(5));
            SendOutcome outcome = offline.send(new SendRequest(DeliveryId.random(), 4001, Payload.text("x"), false, 1));
            assertThat(outcome).isInstanceOf(SendOutcome.Transient.class);
        }

        @Test
        @DisplayName("a connection dropped after Telegram accepted the message is ambiguous")
        void droppedAfterAccept() {
            telegram.faults().next(Fault.dropAfterAccept());
            assertThat(send(4002, Payload.text("x"))).isInstanceOf(SendOutcome.Ambiguous.class);
            assertThat(telegram.record().acceptedIn(4002)).hasSize(1);
        }

        @Test
        @DisplayName("an answer slower than the read timeout is ambiguous")
        void readTimeout() {
            Sender impatient = sender(telegram.baseUrl(), Duration.ofMillis(300));
            telegram.faults().next(Fault.latency(Duration.ofMillis(1500)));
            SendOutcome outcome = impatient.send(new SendRequest(DeliveryId.random(), 4003, Payload.text("x"), false, 1));
            assertThat(outcome).isInstanceOf(SendOutcome.Ambiguous.class);
        }

        @Test
        @DisplayName("a connection dropped without an answer is never reported as transient")
        void droppedIsNeverTransient() {
            telegram.faults().next(Fault.dropBeforeAccept());
            // the client cannot tell whether Telegram acted: the request was written
            assertThat(send(4004, Payload.text("x"))).isInstanceOf(SendOutcome.Ambiguous.class);
        }
    }

    @Nested
    @DisplayName("with a file_id cache")
    class FileIds {
        @Test
        @DisplayName("a second delivery of the same upload is sent by its file_id")
        void reusesFileId() {
            require(Capability.FILE_ID_CACHE);
            MediaSource.Bytes photo = bytes("pack.jpg");
            assertThat(send(5001, Payload.photo(photo))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(send(5002, Payload.photo(photo))).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().accepted()).extracting(AcceptedMessage::origin)
                    .containsExactly(AcceptedMessage.Origin.UPLOAD, AcceptedMessage.Origin.FILE_ID);
        }

        @Test
        @DisplayName("a stale cached file_id falls back to uploading the original once")
        void staleFallsBack() {
            require(Capability.FILE_ID_CACHE);
            MediaSource.Bytes photo = bytes("pack.jpg");
            send(5003, Payload.photo(photo));
            telegram.files().forgetAll();
            SendOutcome outcome = send(5004, Payload.photo(photo));
            assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
            assertThat(telegram.record().acceptedIn(5004)).singleElement()
                    .satisfies(m -> assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.UPLOAD));
            assertThat(telegram.record().rejected()).singleElement()
                    .satisfies(r -> assertThat(r.description()).contains("wrong file identifier"));
        }

        @Test
        @DisplayName("a stale file_id the caller gave is a permanent payload failure")
        void callersStaleId() {
            SendOutcome outcome = send(5005, Payload.photo(MediaSource.fileId("no-such-file")));
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Permanent.class,
                    p -> assertThat(p.failureClass()).isEqualTo(FailureClass.PERMANENT_PAYLOAD));
        }
    }
}
