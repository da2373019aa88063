package io.botdelivery.testkit.limiter;

import io.botdelivery.testkit.limiter.ReferenceRateLimiter.Flaw;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

@DisplayName("The rate limiter kit")
class RateLimiterContractCatchesBrokenLimitersTest {

    @AfterEach
    void soundAgain() {
        ReferenceLimiterKitRun.flaw = Flaw.NONE;
        DecoratorKitRun.flaw = DecoratorKitRun.Flaw.NONE;
    }

    @Nested
    @DisplayName("on a sound limiter")
    class OnASoundLimiter {

        @Test
        @DisplayName("passes every group, the real-time ones included, and skips only what it does not offer")
        void soundLimiterPasses() {
            TestExecutionSummary summary = runKit(Flaw.NONE, Set.of());

            assertThat(failuresOf(summary)).isEmpty();
            assertThat(summary.getTestsSkippedCount() + summary.getTestsAbortedCount())
                    .as("skipped: only the tests of the makeUnavailable hook, which a dependency-free limiter has not, and"
                            + " of giving grants back, which the reference limiter does not (allowed)")
                    .isEqualTo(2);
            assertThat(summary.getTestsSucceededCount()).isGreaterThanOrEqualTo(45);
        }

        @Test
        @DisplayName("passes a sound decorator whose delegate becomes unavailable, skipping only giving grants back")
        void soundDecoratorPasses() {
            DecoratorKitRun.flaw = DecoratorKitRun.Flaw.NONE;
            TestExecutionSummary summary = run(DecoratorKitRun.class, Set.of());

            assertThat(failuresOf(summary)).isEmpty();
            assertThat(summary.getTestsSkippedCount() + summary.getTestsAbortedCount())
                    .as("skipped: the test of giving grants back, which the decorated reference limiter does not")
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("shows the clock-driven groups as skipped, never as passed, for a limiter that does not follow the injected clock")
        void clockDrivenGroupsSkipped() {
            TestExecutionSummary summary = run(RealTimeOnlyKitRun.class, Set.of(
                    "GlobalBudget", "ChatBudgets", "AllOrNothing", "PaidBroadcastLane", "Weights", "Penalties", "Denials",
                    "WaitingChats", "ConcurrentCallersOnTheClock", "Arguments", "InRealTime#waitingChatDoesNotBlock"));

            assertThat(failuresOf(summary)).isEmpty();
            assertThat(summary.getTestsAbortedCount()).as("clock-driven tests skipped").isGreaterThanOrEqualTo(40);
            assertThat(summary.getTestsSucceededCount()).as("the real-time and argument tests selected").isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("on a broken limiter")
    class OnABrokenLimiter {

        static Stream<Arguments> flaws() {
            return Stream.of(
                    flaw(Flaw.FORGETS_CHAT_BUDGET, Set.of("ChatBudgets", "InRealTime#oneChatKeepsItsBudget"),
                            "give a private chat one send per second",
                            "many callers to one private chat never exceed its budget"),
                    // the real-time storm test is a second guard, but how much a storm takes depends on the machine's
                    // speed; the clock-driven group catches this flaw deterministically
                    flaw(Flaw.CONSUMES_ON_DENIAL, Set.of("AllOrNothing"),
                            "a denial by the chat leaves the bot-wide budget untouched"),
                    flaw(Flaw.CHAT_PENALTY_PAUSES_EVERYTHING, Set.of("Penalties"),
                            "a chat penalty slows neither other chats nor the bot-wide budget"),
                    flaw(Flaw.SHORTER_PENALTY_SHORTENS, Set.of("Penalties"),
                            "a shorter chat penalty never shortens a longer one",
                            "a shorter global penalty never shortens a longer one"),
                    flaw(Flaw.BLOCKS_OTHERS_WHILE_A_CHAT_WAITS, Set.of("WaitingChats", "InRealTime#waitingChatDoesNotBlock"),
                            "does not hold back other chats: the bot-wide budget is used around its slot",
                            "a chat that must wait does not hold back the next chat"),
                    flaw(Flaw.ALBUM_COUNTS_AS_ONE, Set.of("Weights"),
                            "count every album item in the bot-wide budget",
                            "make the chat wait for every item of an album before its next send"),
                    flaw(Flaw.PAID_SHARES_STANDARD_LANE, Set.of("PaidBroadcastLane", "InRealTime#paidLaneIsSeparate"),
                            "does not use the standard bot-wide budget",
                            "the paid-broadcast lane runs past the standard budget while the standard lane keeps its own"),
                    flaw(Flaw.NAMES_CHAT_FOR_EVERY_DENIAL, Set.of("Denials"),
                            "name the global scope when only the bot-wide budget is busy"),
                    flaw(Flaw.GRANTS_PAST_HORIZON, Set.of("GlobalBudget"),
                            "keeps every budget through a long random workload, and never grants past the horizon"),
                    flaw(Flaw.WINDOW_ONE_NANO_SHORT, Set.of("AlbumsAndTheWindow"),
                            "the album after a full window waits until the window's first album has left it",
                            "a fresh limiter grants exactly the budget in its first window, however many albums wait"),
                    // today's rule before exact windows: sound, but an album of k waits for k emission intervals
                    flaw(Flaw.ALBUM_WAITS_K_INTERVALS, Set.of("AlbumsAndTheWindow"),
                            "a lane that takes 30 messages a window takes 10 albums of 3 within one window",
                            "a fresh limiter grants exactly the budget in its first window, however many albums wait",
                            "a mix of singles and 10 % albums of 2 to 4 keeps every window and uses at least 94 % of the lane"),
                    flaw(Flaw.ALBUM_NEEDS_ONE_PLACE, Set.of("AlbumsAndTheWindow"),
                            "an album waits until every one of its items fits the window, never overshooting it"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("flaws")
        @DisplayName("is caught by the tests written for that mistake")
        void brokenLimiterIsCaught(Flaw flaw, Set<String> groups, List<String> mustFail) {
            TestExecutionSummary summary = runKit(flaw, groups);

            assertThat(summary.getTestsStartedCount()).as("tests run").isPositive();
            assertThat(failuresOf(summary)).as("tests that failed on %s", flaw).containsAll(mustFail);
        }

        private static Arguments flaw(Flaw flaw, Set<String> groups, String... mustFail) {
            return Arguments.of(flaw, groups, List.of(mustFail));
        }
    }

    @Nested
    @DisplayName("on a broken decorator")
    class OnABrokenDecorator {

        @Test
        @DisplayName("fails one that grants when its delegate is unavailable")
        void failsOpen() {
            DecoratorKitRun.flaw = DecoratorKitRun.Flaw.FAILS_OPEN;
            TestExecutionSummary summary = run(DecoratorKitRun.class, Set.of("Unavailable"));

            assertThat(failuresOf(summary)).containsExactly("grants nothing while what it depends on is unavailable, and "
                    + "grants again once it is back (capability: makeUnavailable)");
        }

        @Test
        @DisplayName("fails one that grants everything, in every budget group, within minutes instead of hanging")
        void grantsEverything() {
            DecoratorKitRun.flaw = DecoratorKitRun.Flaw.GRANTS_EVERYTHING;
            long started = System.nanoTime();
            TestExecutionSummary summary = run(DecoratorKitRun.class, Set.of());

            assertThat(failuresOf(summary)).contains("many callers to one private chat never exceed its budget",
                    "give a private chat one send per second");
            assertThat(summary.getTestsFailedCount()).isGreaterThanOrEqualTo(20);
            assertThat(System.nanoTime() - started).as("the whole kit run, in ns").isLessThan(180_000_000_000L);
        }
    }

    /**
     * Runs the kit against the reference limiter with {@code flaw}, limited to {@code groups} ("Group" or
     * "Group#method"; empty = everything).
     */
    private static TestExecutionSummary runKit(Flaw flaw, Set<String> groups) {
        ReferenceLimiterKitRun.flaw = flaw;
        return run(ReferenceLimiterKitRun.class, groups);
    }

    private static TestExecutionSummary run(Class<?> kitRun, Set<String> groups) {
        LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(kitRun));
        if (!groups.isEmpty()) {
            builder.filters(onlyGroups(groups));
        }
        LauncherDiscoveryRequest request = builder.build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }

    private static PostDiscoveryFilter onlyGroups(Set<String> groups) {
        return (TestDescriptor descriptor) -> {
            if (descriptor.getSource().orElse(null) instanceof org.junit.platform.engine.support.descriptor.MethodSource method) {
                String className = method.getClassName();
                String group = className.substring(className.lastIndexOf('$') + 1);
                return FilterResult.includedIf(groups.contains(group) || groups.contains(group + "#" + method.getMethodName()));
            }
            return FilterResult.included("a container");
        };
    }

    private static List<String> failuresOf(TestExecutionSummary summary) {
        return summary.getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName())
                .collect(Collectors.toList());
    }
}
