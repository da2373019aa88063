package io.botdelivery.engine.kit;

import org.junit.jupiter.api.DisplayName;
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

/** The store contract kit must catch a broken store: each deliberately broken one fails the kit where it should. */
@DisplayName("The RetryStore contract kit")
class ContractKitsCatchBrokenAdaptersTest {

    static Stream<Arguments> brokenStores() {
        return Stream.of(
                arguments("a store that hands out leased deliveries again", BrokenStores.IgnoresLeasesKit.class,
                        List.of("a claimed delivery comes back IN_FLIGHT and is not claimed again while its lease lasts")),
                arguments("a store that keeps two deliveries for one idempotency key", BrokenStores.DuplicatesKeysKit.class,
                        List.of("saving the same idempotency key twice keeps one delivery and returns the first")),
                arguments("a store that lets a worker that lost its lease complete", BrokenStores.IgnoresOwnerKit.class,
                        List.of("an expired lease's delivery comes back to another worker, and the old owner can no longer write it")));
    }

    @ParameterizedTest(name = "catches {0}")
    @MethodSource("brokenStores")
    void catchesBrokenStore(String name, Class<?> kit, List<String> expectedFailures) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(kit)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();

        List<String> failed = summary.getFailures().stream().map(f -> f.getTestIdentifier().getDisplayName()).toList();
        assertThat(summary.getTestsSucceededCount()).as("the rest of the kit still runs").isGreaterThan(10);
        assertThat(failed).as("failures reported for " + name).containsAll(expectedFailures);
    }
}
