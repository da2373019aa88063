package io.botdelivery.engine.kit;

import io.botdelivery.testkit.KitTimeLimitExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
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
 * The store contract kit must catch a broken store: each deliberately broken one fails the kit in the named test.
 * The break classes it catches, one broken store each: leased deliveries handed out again; two deliveries for one
 * idempotency key; a worker that lost its lease still writing; the lease length ignored (claim and save; renew); the
 * alert's lease length ignored; instants truncated to milliseconds or to seconds; album items' parse modes lost;
 * {@code claimUnnotified} ignoring {@code max}; a null argument accepted; an outage reported as
 * IllegalStateException instead of RetryStoreException; for {@code saveAll}: stored keys ignored in a batch, a
 * key repeated inside a batch stored twice, a batch claimed out of the order given, half a batch stored before a null;
 * for {@code completeAll}: a batch that stops at the first lost lease, one that reports no lost lease, half a batch
 * completed before a null or a repeated id; for {@code recordAttemptAll}: a batch that stops at the first lost lease, one
 * that leaves the "send started" mark out, one that skips nulls and writes a repeated id twice;
 * and a store that hangs (caught by the kit's time limit, run here at 2 s instead of 60 s through
 * {@link KitTimeLimitExtension#PARAMETER}).
 */
@DisplayName("The RetryStore contract kit")
class ContractKitsCatchBrokenAdaptersTest {

    static Stream<Arguments> brokenStores() {
        return Stream.of(
                arguments("a store that hands out leased deliveries again", BrokenStores.IgnoresLeasesKit.class,
                        List.of("a claimed delivery comes back IN_FLIGHT and is not claimed again while its lease lasts")),
                arguments("a store that keeps two deliveries for one idempotency key", BrokenStores.DuplicatesKeysKit.class,
                        List.of("saving the same idempotency key twice keeps one delivery and returns the first")),
                arguments("a store that lets a worker that lost its lease complete", BrokenStores.IgnoresOwnerKit.class,
                        List.of("an expired lease's delivery comes back to another worker, and the old owner can no longer write it")),
                arguments("a store that ignores the lease length it is given", BrokenStores.IgnoresLeaseLengthKit.class,
                        List.of("a claim's lease lasts exactly as long as it was given, short or long",
                                "save's lease and a renewed lease last exactly as long as they were given")),
                arguments("a store that renews leases to a length of its own", BrokenStores.IgnoresRenewLengthKit.class,
                        List.of("save's lease and a renewed lease last exactly as long as they were given")),
                arguments("a store that ignores the alert's lease length", BrokenStores.IgnoresNotifyLeaseKit.class,
                        List.of("the alert's lease is the one fail gives, not the claim's; a claimed alert's lease is the one given")),
                arguments("a store that truncates instants to milliseconds", BrokenStores.TruncatesToMillisKit.class,
                        List.of("instants come back to the microsecond, and due times are compared to the microsecond")),
                arguments("a store that truncates instants to seconds", BrokenStores.TruncatesToSecondsKit.class,
                        List.of("instants come back to the microsecond, and due times are compared to the microsecond")),
                arguments("a store that loses album items' parse modes", BrokenStores.LosesItemParseModesKit.class,
                        List.of("every payload field and send option comes back equal, parse modes of album items included")),
                arguments("a store whose claimUnnotified ignores max", BrokenStores.IgnoresMaxOfAlertsKit.class,
                        List.of("every claim hands out at most max, the alert outbox included")),
                arguments("a store that accepts a null time", BrokenStores.LenientWithNullsKit.class,
                        List.of("a null argument throws NullPointerException (only cancel's owner and save's lease may be null)")),
                arguments("a store whose batch ignores idempotency keys stored before it", BrokenStores.IgnoresStoredKeysInBatchKit.class,
                        List.of("keys stored before the batch answer the stored deliveries (created = false); the rest are stored")),
                arguments("a store whose batch stores a repeated key twice", BrokenStores.RepeatsKeysInsideBatchKit.class,
                        List.of("a key repeated inside one batch is stored once, for its first occurrence; the later ones answer it")),
                arguments("a store that inserts a batch in another order", BrokenStores.InsertsBatchReversedKit.class,
                        List.of("a batch's deliveries saved at one instant are claimed in the order given, by priority first",
                                "inside a batch, an earlier delivery holds back a later one with the same ordering key")),
                arguments("a store that stores half a batch before a null", BrokenStores.StoresUpToNullKit.class,
                        List.of("a null batch or a null element throws NullPointerException and stores nothing")),
                arguments("a store whose batched completion stops at the first lost lease", BrokenStores.StopsBatchAtLostLeaseKit.class,
                        List.of("a delivery whose lease was lost is left to its new owner and answered; the rest of the batch is completed")),
                arguments("a store whose batched completion reports no lost lease", BrokenStores.ReportsNoLostLeaseKit.class,
                        List.of("a delivery whose lease was lost is left to its new owner and answered; the rest of the batch is completed",
                                "completing a batch twice is harmless: the second call answers every id and changes nothing")),
                arguments("a store that completes half a batch before a null or a repeated id", BrokenStores.CompletesUpToBadElementKit.class,
                        List.of("a null batch, element, owner or time throws NullPointerException, a repeated id IllegalArgumentException, before anything is written")),
                arguments("a store whose batch of attempts stops at the first lost lease", BrokenStores.StopsAttemptBatchAtLostLeaseKit.class,
                        List.of("a lost lease, a finished delivery and one never claimed are answered in the order given; the rest of the batch is recorded")),
                arguments("a store whose batch of attempts drops the send started mark", BrokenStores.DropsSendStartedInBatchKit.class,
                        List.of("a batch records every attempt exactly as recordAttempt would, keeps the leases, and answers none",
                                "the worker claiming after a crash sees each batched attempt (send started mark, attempts, error) as recorded",
                                "a lost lease, a finished delivery and one never claimed are answered in the order given; the rest of the batch is recorded")),
                arguments("a store whose batch of attempts skips nulls and writes a repeated id twice", BrokenStores.RecordsRepeatedIdsInBatchKit.class,
                        List.of("a null batch, element, owner or time throws NullPointerException, a repeated id IllegalArgumentException, before anything is written")),
                arguments("a store that reports an outage as IllegalStateException", BrokenStores.OutageAsIllegalStateKit.class,
                        List.of("storage unreachable: every operation throws RetryStoreException, and the store recovers "
                                + "(capability: makeStorageUnreachable)")));
    }

    @Test
    @DisplayName("catches a store that hangs: the test fails at the kit's time limit, even though the store ignores interrupts")
    void catchesHangingStore() {
        TestExecutionSummary summary = run(BrokenStores.HangsOnPurgeKit.class, "2");

        String retention = "finished deliveries older than the cut-off are purged in batches, oldest first; the rest stay";
        assertThat(summary.getFailures()).as("failures").anySatisfy(f -> {
            assertThat(f.getTestIdentifier().getDisplayName()).isEqualTo(retention);
            assertThat(f.getException()).hasMessageContaining("did not end within the kit's time limit of 2 s");
        });
        assertThat(summary.getTestsSucceededCount()).as("the rest of the kit still runs").isGreaterThan(10);
    }

    @ParameterizedTest(name = "catches {0}")
    @MethodSource("brokenStores")
    void catchesBrokenStore(String name, Class<?> kit, List<String> expectedFailures) {
        TestExecutionSummary summary = run(kit, null);

        List<String> failed = summary.getFailures().stream().map(f -> f.getTestIdentifier().getDisplayName()).toList();
        assertThat(summary.getTestsSucceededCount()).as("the rest of the kit still runs").isGreaterThan(10);
        assertThat(failed).as("failures reported for " + name).containsAll(expectedFailures);
    }

    private static TestExecutionSummary run(Class<?> kit, String timeLimitSeconds) {
        LauncherDiscoveryRequestBuilder builder = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit));
        if (timeLimitSeconds != null) {
            builder.configurationParameter(KitTimeLimitExtension.PARAMETER, timeLimitSeconds);
        }
        LauncherDiscoveryRequest request = builder.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }
}
