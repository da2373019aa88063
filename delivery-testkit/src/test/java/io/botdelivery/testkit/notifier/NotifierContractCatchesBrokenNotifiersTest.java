package io.botdelivery.testkit.notifier;

import io.botdelivery.testkit.notifier.WebhookNotifier.Flaw;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The notifier kit must fail a careless notifier, each in a named test and within its time limit. The break classes
 * it catches, one flaw each: failures swallowed (returns normally when the backend refused); no timeout (a hanging
 * backend holds the call for ever); a 4xx taken for success; a buffer shared between threads.
 */
@DisplayName("The notifier kit")
class NotifierContractCatchesBrokenNotifiersTest {

    @AfterEach
    void soundAgain() {
        WebhookNotifierKitRun.flaw = Flaw.NONE;
    }

    private static TestExecutionSummary runKit(Flaw flaw) {
        WebhookNotifierKitRun.flaw = flaw;
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(WebhookNotifierKitRun.class)).build(), listener);
        return listener.getSummary();
    }

    private static List<String> failures(TestExecutionSummary summary) {
        return summary.getFailures().stream().map(f -> f.getTestIdentifier().getDisplayName()).toList();
    }

    @Test
    @DisplayName("passes a sound webhook notifier, with only the congestion test skipped (it declares no congestion)")
    void soundNotifierPasses() {
        TestExecutionSummary summary = runKit(Flaw.NONE);

        assertThat(failures(summary)).isEmpty();
        assertThat(summary.getTestsAbortedCount()).as("skipped: the undeclared CAN_BE_CONGESTED").isEqualTo(1);
        assertThat(summary.getTestsSucceededCount()).isGreaterThanOrEqualTo(10);
    }

    static Stream<Arguments> flaws() {
        return Stream.of(
                arguments(Flaw.SWALLOWS_FAILURES, List.of("deliveryFailed throws, and a later call delivers the alert",
                        "an unreachable backend: deliveryFailed throws within Notifier.MAX_BLOCKING (hook: makeBackendUnreachable)")),
                arguments(Flaw.NO_TIMEOUT, List.of(
                        "a backend that never answers: deliveryFailed throws within Notifier.MAX_BLOCKING (hook: makeBackendHang)")),
                arguments(Flaw.CLIENT_ERRORS_ARE_SUCCESS, List.of(
                        "a rejection as invalid (4xx) is a failure too: deliveryFailed throws (hook: rejectNextAsInvalid)")),
                arguments(Flaw.SHARED_BUFFER, List.of(
                        "alerts from many threads at once all arrive, each once and each about its own delivery only")));
    }

    @ParameterizedTest(name = "fails a notifier that {0}")
    @MethodSource("flaws")
    void catchesFlaw(Flaw flaw, List<String> expected) {
        long started = System.nanoTime();
        TestExecutionSummary summary = runKit(flaw);

        assertThat(failures(summary)).as("failures for " + flaw).containsAll(expected);
        assertThat(summary.getTestsSucceededCount()).as("the rest of the kit still runs").isGreaterThanOrEqualTo(5);
        assertThat(System.nanoTime() - started).as("the whole kit run, in ns").isLessThan(60_000_000_000L);
    }
}
