package io.botdelivery.core;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.spi.SendOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The outcome policy (pure: no clock, store or scheduler)")
class OutcomePolicyTest {
    static final long USER = 1001;
    static final long GROUP = -2001;
    final EngineConfig config = EngineConfig.defaults().withRetryPolicy(RetryPolicy.defaults().withJitter(0));
    final SplittableRandom random = new SplittableRandom(7);

    static Delivery delivery(long chatId, AmbiguousOutcomePolicy onAmbiguous, int attempts) {
        Delivery d = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(chatId, Payload.text("hi"))
                .onAmbiguous(onAmbiguous).build(), Instant.parse("2026-03-01T10:00:00Z"));
        return new Delivery(d.id(), d.request(), chatId, d.status(), attempts, 0, List.of(), null, null, d.createdAt(),
                d.updatedAt(), d.nextAttemptAt(), null, null);
    }

    Decision decide(Delivery d, SendOutcome outcome) {
        return OutcomePolicy.decide(d, 0, outcome, config, random);
    }

    @Test
    @DisplayName("Delivered completes with every message id, earlier album items' included")
    void delivered() {
        Delivery d = delivery(USER, AmbiguousOutcomePolicy.RETRY, 0);
        assertThat(decide(d, new SendOutcome.Delivered(List.of(5L, 6L)))).isEqualTo(new Decision.Complete(List.of(5L, 6L)));
    }

    @Nested
    @DisplayName("a 429")
    class RateLimited {
        @Test
        @DisplayName("pauses the scope for retry_after plus the margin, then waits inline keeping the lane; not an attempt")
        void shortWait() {
            Decision decision = decide(delivery(GROUP, AmbiguousOutcomePolicy.RETRY, 2),
                    new SendOutcome.RetryAfter(Duration.ofSeconds(3), LimitScope.chat(GROUP)));

            Decision.PauseScope pause = (Decision.PauseScope) decision;
            assertThat(pause.scope()).isEqualTo(LimitScope.chat(GROUP));
            assertThat(pause.pause()).isEqualTo(Duration.ofSeconds(4));
            Decision.WaitInline wait = (Decision.WaitInline) pause.then();
            assertThat(wait.resume()).isEqualTo(Decision.Resume.KEEP_LANE);
            assertThat(wait.delay()).isEqualTo(Duration.ofSeconds(4));
            assertThat(wait.state().attempts()).isEqualTo(2);
            assertThat(wait.state().lastErrorClass()).isEqualTo(FailureClass.RATE_LIMITED);
        }

        @Test
        @DisplayName("longer than maxInlineWait is released to the store")
        void longWait() {
            Decision.PauseScope pause = (Decision.PauseScope) decide(delivery(GROUP, AmbiguousOutcomePolicy.RETRY, 0),
                    new SendOutcome.RetryAfter(Duration.ofSeconds(60), LimitScope.chat(GROUP)));
            assertThat(pause.then()).isInstanceOf(Decision.ReleaseForLater.class);
            assertThat(((Decision.ReleaseForLater) pause.then()).delay()).isEqualTo(Duration.ofSeconds(61));
        }

        @ParameterizedTest(name = "{0}: a 429 reported for chat {1} pauses {2}")
        @CsvSource({
                "AS_REPORTED, 1001, chat 1001",
                "AS_REPORTED, -2001, chat -2001",
                "PRIVATE_CHAT_IS_GLOBAL, 1001, global",
                "PRIVATE_CHAT_IS_GLOBAL, -2001, chat -2001",
                "ALWAYS_GLOBAL, 1001, global",
                "ALWAYS_GLOBAL, -2001, global"})
        @DisplayName("pauses the scope the configured RetryAfterScopePolicy names")
        void scopePolicy(RetryAfterScopePolicy policy, long chatId, String paused) {
            EngineConfig c = config.toBuilder().retryAfterScope(policy).build();
            Decision.PauseScope pause = (Decision.PauseScope) OutcomePolicy.decide(delivery(chatId, AmbiguousOutcomePolicy.RETRY, 0),
                    0, new SendOutcome.RetryAfter(Duration.ofSeconds(1), LimitScope.chat(chatId)), c, random);
            assertThat(pause.scope()).hasToString(paused);
        }

        @Test
        @DisplayName("the old privateChat429IsGlobal switch is a shortcut for the policy")
        void shortcut() {
            assertThat(config.toBuilder().privateChat429IsGlobal(false).build().retryAfterScope()).isEqualTo(RetryAfterScopePolicy.AS_REPORTED);
            assertThat(config.toBuilder().privateChat429IsGlobal(true).build().retryAfterScope())
                    .isEqualTo(RetryAfterScopePolicy.PRIVATE_CHAT_IS_GLOBAL);
            assertThat(EngineConfig.defaults().privateChat429IsGlobal()).isTrue();
        }
    }

    @Nested
    @DisplayName("a failed attempt")
    class FailedAttempts {
        @Test
        @DisplayName("Transient counts an attempt and waits the quick delay inline, stepping aside in its lane")
        void transientQuick() {
            Decision.WaitInline wait = (Decision.WaitInline) decide(delivery(USER, AmbiguousOutcomePolicy.RETRY, 0),
                    new SendOutcome.Transient("502"));
            assertThat(wait.resume()).isEqualTo(Decision.Resume.REJOIN_LANE);
            assertThat(wait.delay()).isEqualTo(Duration.ofSeconds(1));
            assertThat(wait.state().attempts()).isEqualTo(1);
            assertThat(wait.state().lastError()).isEqualTo("502");
        }

        @Test
        @DisplayName("past the quick schedule the delivery is released to the store for the slow one")
        void slow() {
            Decision.ReleaseForLater release = (Decision.ReleaseForLater) decide(delivery(USER, AmbiguousOutcomePolicy.RETRY, 5),
                    new SendOutcome.Transient("502"));
            assertThat(release.delay()).isEqualTo(Duration.ofMinutes(5));
            assertThat(release.state().attempts()).isEqualTo(6);
        }

        @Test
        @DisplayName("the last attempt fails as ATTEMPTS_EXHAUSTED naming the last error")
        void exhausted() {
            Decision.Fail fail = (Decision.Fail) decide(delivery(USER, AmbiguousOutcomePolicy.RETRY, 9), new SendOutcome.Transient("502"));
            assertThat(fail.failureClass()).isEqualTo(FailureClass.ATTEMPTS_EXHAUSTED);
            assertThat(fail.state().lastError()).contains("10 attempts", "502");
        }

        @Test
        @DisplayName("Ambiguous retries under RETRY and fails under GIVE_UP")
        void ambiguous() {
            assertThat(decide(delivery(USER, AmbiguousOutcomePolicy.RETRY, 0), new SendOutcome.Ambiguous("reset")))
                    .isInstanceOf(Decision.WaitInline.class);
            Decision.Fail fail = (Decision.Fail) decide(delivery(USER, AmbiguousOutcomePolicy.GIVE_UP, 0), new SendOutcome.Ambiguous("reset"));
            assertThat(fail.failureClass()).isEqualTo(FailureClass.AMBIGUOUS);
            assertThat(fail.state().lastError()).contains("GIVE_UP");
        }
    }

    @Test
    @DisplayName("Permanent fails; FATAL_CONFIG halts for fatalPause instead, counting no attempt")
    void permanentAndFatal() {
        Decision.Fail fail = (Decision.Fail) decide(delivery(USER, AmbiguousOutcomePolicy.RETRY, 0),
                new SendOutcome.Permanent("blocked", FailureClass.PERMANENT_RECIPIENT));
        assertThat(fail.state().attempts()).isEqualTo(1);
        Decision.Halt halt = (Decision.Halt) decide(delivery(USER, AmbiguousOutcomePolicy.RETRY, 0),
                new SendOutcome.Permanent("401", FailureClass.FATAL_CONFIG));
        assertThat(halt.pause()).isEqualTo(config.fatalPause());
        assertThat(halt.state().attempts()).isZero();
    }

    @Test
    @DisplayName("Redirect resends to the new chat, until maxRedirects were followed")
    void redirect() {
        Delivery d = delivery(GROUP, AmbiguousOutcomePolicy.RETRY, 0);
        Decision.Redirect redirect = (Decision.Redirect) decide(d, new SendOutcome.Redirect(-1002001));
        assertThat(redirect.state().chatId()).isEqualTo(-1002001);
        Decision tooMany = OutcomePolicy.decide(d, config.maxRedirects(), new SendOutcome.Redirect(-1002001), config, random);
        assertThat(((Decision.Fail) tooMany).failureClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT);
    }

    @Test
    @DisplayName("PartialAlbum records the items delivered, then decides on its cause")
    void partialAlbum() {
        Payload.Album album = new Payload.Album(List.of(Payload.photo(MediaSource.fileId("a")), Payload.photo(MediaSource.fileId("b")),
                Payload.photo(MediaSource.fileId("c"))));
        Delivery d = Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(USER, album).build(), Instant.EPOCH);
        Decision decision = decide(d, new SendOutcome.PartialAlbum(2, List.of(1L, 2L), new SendOutcome.Transient("502")));

        Decision.WaitInline wait = (Decision.WaitInline) decision;
        assertThat(wait.state().deliveredItems()).isEqualTo(2);
        assertThat(wait.state().messageIds()).containsExactly(1L, 2L);
        assertThat(wait.state().attempts()).isEqualTo(1);
    }

    @Nested
    @DisplayName("a plain 429 to an album (some items may have arrived)")
    class AlbumRateLimited {
        final SendOutcome.RetryAfter tooMany = new SendOutcome.RetryAfter(Duration.ofSeconds(3), LimitScope.chat(USER));

        Delivery album(AmbiguousOutcomePolicy onAmbiguous) {
            Payload.Album album = new Payload.Album(List.of(Payload.photo(MediaSource.fileId("a")),
                    Payload.photo(MediaSource.fileId("b")), Payload.photo(MediaSource.fileId("c"))));
            return Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(USER, album).onAmbiguous(onAmbiguous).build(),
                    Instant.EPOCH);
        }

        Delivery after(Delivery d, Decision.WaitInline wait) {
            var s = wait.state();
            return new Delivery(d.id(), d.request(), s.chatId(), d.status(), s.attempts(), s.deliveredItems(), s.messageIds(),
                    s.lastError(), s.lastErrorClass(), d.createdAt(), d.updatedAt(), d.nextAttemptAt(), null, null);
        }

        @Test
        @DisplayName("the first pauses only the private chat for retry_after plus the margin and resends the album whole; not an attempt")
        void firstResendsWhole() {
            Decision.PauseScope pause = (Decision.PauseScope) decide(album(AmbiguousOutcomePolicy.RETRY), tooMany);

            assertThat(pause.scope()).isEqualTo(LimitScope.chat(USER));
            assertThat(pause.pause()).isEqualTo(Duration.ofSeconds(4));
            Decision.WaitInline wait = (Decision.WaitInline) pause.then();
            assertThat(wait.resume()).isEqualTo(Decision.Resume.KEEP_LANE);
            assertThat(wait.state().attempts()).isZero();
            assertThat(wait.state().deliveredItems()).isZero();
            assertThat(wait.state().lastError()).startsWith(OutcomePolicy.ALBUM_429_MARK).contains("resending it whole once");
        }

        @Test
        @DisplayName("the second held in memory fails AMBIGUOUS (album may have arrived in part), still pausing the scope")
        void secondInMemoryFails() {
            Delivery d = album(AmbiguousOutcomePolicy.RETRY);
            Decision.PauseScope pause = (Decision.PauseScope) OutcomePolicy.decide(d, 0, 1, tooMany, config, random);

            assertThat(pause.scope()).isEqualTo(LimitScope.chat(USER));
            Decision.Fail fail = (Decision.Fail) pause.then();
            assertThat(fail.failureClass()).isEqualTo(FailureClass.AMBIGUOUS);
            assertThat(fail.state().lastError()).contains("album may have arrived in part").contains("not resent again");
        }

        @Test
        @DisplayName("the second after a hand-back is known from the stored last error and fails too")
        void secondAfterHandBackFails() {
            Delivery d = album(AmbiguousOutcomePolicy.RETRY);
            Decision.WaitInline first = (Decision.WaitInline) ((Decision.PauseScope) decide(d, tooMany)).then();

            Decision.PauseScope second = (Decision.PauseScope) decide(after(d, first), tooMany);
            assertThat(second.then()).isInstanceOf(Decision.Fail.class);
            assertThat(((Decision.Fail) second.then()).failureClass()).isEqualTo(FailureClass.AMBIGUOUS);
        }

        @Test
        @DisplayName("with GIVE_UP the first fails AMBIGUOUS: a resend could duplicate what arrived")
        void giveUpFailsAtOnce() {
            Decision.PauseScope pause = (Decision.PauseScope) decide(album(AmbiguousOutcomePolicy.GIVE_UP), tooMany);

            Decision.Fail fail = (Decision.Fail) pause.then();
            assertThat(fail.failureClass()).isEqualTo(FailureClass.AMBIGUOUS);
            assertThat(fail.state().lastError()).contains("policy GIVE_UP");
        }

        @Test
        @DisplayName("a 429 naming the failing item records what arrived and resends the rest, pausing only the chat")
        void namedItemResendsTheRest() {
            Decision.PauseScope pause = (Decision.PauseScope) decide(album(AmbiguousOutcomePolicy.GIVE_UP),
                    new SendOutcome.PartialAlbum(1, List.of(7L), tooMany));

            assertThat(pause.scope()).isEqualTo(LimitScope.chat(USER));
            Decision.WaitInline wait = (Decision.WaitInline) pause.then();
            assertThat(wait.state().deliveredItems()).isEqualTo(1);
            assertThat(wait.state().messageIds()).containsExactly(7L);
            assertThat(wait.state().lastError()).doesNotStartWith(OutcomePolicy.ALBUM_429_MARK);
        }

        @Test
        @DisplayName("a plain 429 to the single item left of an album is an ordinary 429 (nothing arrived)")
        void singleLeftover() {
            Delivery d = album(AmbiguousOutcomePolicy.GIVE_UP);
            Delivery twoDone = new Delivery(d.id(), d.request(), USER, d.status(), 0, 2, List.of(1L, 2L), null, null,
                    d.createdAt(), d.updatedAt(), d.nextAttemptAt(), null, null);
            Decision.PauseScope pause = (Decision.PauseScope) decide(twoDone, tooMany);

            assertThat(pause.scope()).isEqualTo(LimitScope.global());
            assertThat(pause.then()).isInstanceOf(Decision.WaitInline.class);
        }

        @ParameterizedTest(name = "{0}: an album's 429 for chat {1} pauses {2}")
        @CsvSource({
                "AS_REPORTED, 1001, chat 1001",
                "PRIVATE_CHAT_IS_GLOBAL, 1001, chat 1001",
                "PRIVATE_CHAT_IS_GLOBAL, -2001, chat -2001",
                "ALWAYS_GLOBAL, 1001, global"})
        @DisplayName("pauses the scope RetryAfterScopePolicy.scopeOfAlbum names")
        void albumScope(RetryAfterScopePolicy policy, long chatId, String paused) {
            assertThat(policy.scopeOfAlbum(LimitScope.chat(chatId))).hasToString(paused);
        }

        @ParameterizedTest
        @CsvSource({
                "AS_REPORTED, -2001, chat -2001",
                "PRIVATE_CHAT_IS_GLOBAL, -2001, global",
                "PRIVATE_CHAT_IS_GLOBAL, 1001, global",
                "ALWAYS_GLOBAL, -2001, global"})
        @DisplayName("while a bot-wide 429 pause holds, RetryAfterScopePolicy.scopeDuringBotWidePause widens a chat's scope unless asked for exact scopes")
        void scopeDuringBotWidePause(RetryAfterScopePolicy policy, long chatId, String paused) {
            assertThat(policy.scopeDuringBotWidePause(policy.scopeOfAlbum(LimitScope.chat(chatId)))).hasToString(paused);
        }
    }
}
