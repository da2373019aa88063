package io.botdelivery.simulator;

import java.time.Instant;
import java.util.Objects;

/** A fault the simulator injected into a call: which, where and when. */
public record InjectedFault(String method, long chatId, Fault fault, boolean scripted, Instant at) {
    public InjectedFault {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(at, "at");
    }
}
