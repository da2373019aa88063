package io.botdelivery.simulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Decides which fault, if any, hits each call to a send method: scripted faults first (each hits the next call it
 * applies to, optionally only for one chat), then the random {@link FaultRates}. Thread-safe.
 */
public final class FaultInjector {

    /** The fault chosen for one call, and whether a script chose it. */
    record Decision(Fault fault, boolean scripted) {
        static final Decision NONE = new Decision(Fault.pass(), false);
    }

    private record Scripted(Long chatId, Fault fault) {
    }

    private final List<Scripted> script = new ArrayList<>();
    private FaultRates rates;
    private Random random;

    FaultInjector(FaultRates rates) {
        rates(rates);
    }

    /** The next send calls (to any chat) get these faults, one each, in order. */
    public synchronized FaultInjector next(Fault... faults) {
        for (Fault f : faults) {
            script.add(new Scripted(null, Objects.requireNonNull(f, "fault")));
        }
        return this;
    }

    /** The next send calls to {@code chatId} get these faults, one each, in order. */
    public synchronized FaultInjector nextFor(long chatId, Fault... faults) {
        for (Fault f : faults) {
            script.add(new Scripted(chatId, Objects.requireNonNull(f, "fault")));
        }
        return this;
    }

    /** Replaces the random fault rates (and restarts their random source from the seed). */
    public synchronized FaultInjector rates(FaultRates newRates) {
        this.rates = Objects.requireNonNull(newRates, "rates");
        this.random = new Random(newRates.seed());
        return this;
    }

    /** Scripted faults not used yet. */
    public synchronized int pending() {
        return script.size();
    }

    public synchronized void clearScript() {
        script.clear();
    }

    synchronized Decision decide(long chatId, boolean album, int albumSize) {
        Iterator<Scripted> it = script.iterator();
        while (it.hasNext()) {
            Scripted s = it.next();
            boolean chatMatches = s.chatId() == null || s.chatId() == chatId;
            boolean applies = !(s.fault() instanceof Fault.PartialAlbum || s.fault() instanceof Fault.PartialAlbumRateLimited)
                    || album;
            if (chatMatches && applies) {
                it.remove();
                return new Decision(s.fault(), true);
            }
        }
        if (rates.isNone()) {
            return Decision.NONE;
        }
        return new Decision(rates.draw(random, album, albumSize), false);
    }
}
