package io.botdelivery.example.console;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A live progress line: {@code [#####.....] 1200/3000 sent 1190 failed 10 remaining 1800 29.8/s ETA 1:00} (or, for a
 * step with no failures, {@link #counting}: {@code [#####.....] 1500/3000 queued 1500 remaining 1500 ...}). On a
 * terminal it redraws one line; when output goes to a file or a pipe it prints a line every few seconds instead, so
 * logs stay readable.
 */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final LongSupplier sent;
    private final LongSupplier failed;
    /** What the done items are called ("sent", "queued"); failures are shown only when {@link #showFailed}. */
    private final String doneWord;
    private final boolean showFailed;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker;

    /**
     * Starts drawing.
     *
     * @param total  how many items the run will finish
     * @param sent   items delivered so far
     * @param failed items failed so far
     */
    public ProgressBar(String label, long total, LongSupplier sent, LongSupplier failed, PrintStream out, boolean terminal) {
        this(label, total, sent, "sent", failed, true, out, terminal);
    }

    /** Starts drawing a step that cannot fail item by item, e.g. {@code counting("enqueue", n, queued, "queued", ...)}. */
    public static ProgressBar counting(String label, long total, LongSupplier done, String doneWord, PrintStream out,
                                       boolean terminal) {
        return new ProgressBar(label, total, done, Objects.requireNonNull(doneWord, "doneWord"), () -> 0, false, out, terminal);
    }

    private ProgressBar(String label, long total, LongSupplier sent, String doneWord, LongSupplier failed,
                        boolean showFailed, PrintStream out, boolean terminal) {
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.sent = Objects.requireNonNull(sent, "sent");
        this.failed = Objects.requireNonNull(failed, "failed");
        this.doneWord = doneWord;
        this.showFailed = showFailed;
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress-bar");
            t.setDaemon(true);
            return t;
        });
        Duration every = terminal ? Duration.ofMillis(250) : Duration.ofSeconds(5);
        ticker.scheduleAtFixedRate(this::draw, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether this JVM's standard output is an interactive terminal. */
    public static boolean stdoutIsTerminal() {
        return System.console() != null;
    }

    /** The line as it would be drawn now. */
    public String line() {
        long ok = sent.getAsLong();
        long bad = failed.getAsLong();
        long done = Math.min(total, ok + bad);
        long remaining = total - done;
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / seconds;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        String eta = rate <= 0 ? "--:--" : clock(remaining / rate);
        String counts = showFailed ? String.format(Locale.ROOT, "%s %d  failed %d", doneWord, ok, bad)
                : String.format(Locale.ROOT, "%s %d", doneWord, ok);
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d  %s  remaining %d  %.1f/s  ETA %s",
                label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, counts, remaining, rate, eta);
    }

    private synchronized void draw() {
        if (terminal) {
            out.print("\r" + line());
        } else {
            out.println(line());
        }
        out.flush();
    }

    /** Stops drawing and prints the final state on its own line. */
    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        if (terminal) {
            out.print("\r" + line() + "\n");
        } else {
            out.println(line());
        }
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
