package io.botdelivery.bench.redis;

import java.util.concurrent.CompletionStage;

/** One way to decide "may this send go?" on one hot key: called synchronously, or asynchronously. */
interface Candidate {
    String name();

    /** One blocking decision. */
    void decide() throws Exception;

    /** One decision in flight; the stage completes with it. */
    CompletionStage<?> decideAsync();
}
