package io.botdelivery.bench.proc;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

/**
 * Whether this JVM is fit to host the Telegram simulator, whose clock says when a send arrived.
 *
 * <p>Why: a stop-the-world pause of the simulator's JVM holds every call on its way in and lets them arrive together
 * when it ends, so a limiter that spaced its sends exactly is seen bunched: a window holds the sends that should have
 * arrived before it and a whole window's worth after. The bunching is the instrument's, not the bot's. Measured on the
 * 2-core bench VM (2026-12-07, `PaidBroadcastAtScale 60000 postgres … 2 redis 100`, 4 runs each, alternating): with
 * G1 the simulator's JVM stopped for up to 90–137 ms per run and the most paid arrivals in any 1 s were 984–1,008 (one
 * run above Telegram's 1,000, and a 429 storm in an earlier such run); with ZGC its longest stop was 14–54 ms and the
 * most arrivals in 1 s 973–981, at about 2 % lower throughput (the collector's own CPU on a saturated machine).
 */
public final class ArrivalClockCheck {
    private ArrivalClockCheck() {
    }

    /** A warning to print when this JVM's collector stops the world for long, or empty when it does not. */
    public static Optional<String> warning() {
        List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList();
        boolean lowPause = collectors.stream().anyMatch(name -> name.startsWith("ZGC") || name.startsWith("Shenandoah"));
        if (lowPause) {
            return Optional.empty();
        }
        return Optional.of("WARNING: the simulator's arrival clock runs in this JVM, whose collector (" + String.join(", ", collectors)
                + ") stops it for up to ~100 ms on a loaded machine, which bunches arrivals the bots spaced;"
                + " run it with -XX:+UseZGC");
    }

    /** Prints {@link #warning()} to standard error, if any. */
    public static void warnIfPausing() {
        warning().ifPresent(System.err::println);
    }
}
