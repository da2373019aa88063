package io.botdelivery.bench.scenario;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/**
 * What one instance incarnation did, one line per event, flushed at once so a kill -9 loses at most the line being
 * written. The coordinator reads every incarnation's log after the run ({@link LoggedEvent#parse}) to find claims that
 * overlapped, sends in flight at a kill, and submit times.
 *
 * <p>Line format: {@code TYPE epochMicros fields…}, separated by single spaces. Thread-safe.
 */
public final class EventLog implements AutoCloseable {
    private final BufferedWriter out;
    private final Clock clock;

    public EventLog(Path file, Clock clock) {
        this.clock = clock;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the event log " + file, e);
        }
    }

    /** Now, in microseconds since the epoch (what every line's times are in). */
    public long nowMicros() {
        return micros(clock.instant());
    }

    public static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    /** A submit returned: {@code created} false if the key was known (a resubmission after a restart). */
    public void submit(String key, String deliveryId, boolean created) {
        line("SUBMIT " + nowMicros() + " " + key + " " + deliveryId + " " + (created ? 1 : 0));
    }

    /** The store leased a delivery to this instance; {@code startMicros} is before the call, the line's time after. */
    public void claim(String deliveryId, long leaseUntilMicros, long startMicros) {
        line("CLAIM " + nowMicros() + " " + deliveryId + " " + leaseUntilMicros + " " + startMicros);
    }

    /** The store extended a lease this instance still held. */
    public void renew(String deliveryId, long leaseUntilMicros, long startMicros) {
        line("RENEW " + nowMicros() + " " + deliveryId + " " + leaseUntilMicros + " " + startMicros);
    }

    /** A write that ends this instance's lease (complete, reschedule, fail, cancel) and whether the store took it. */
    public void release(String op, String deliveryId, boolean ok, long startMicros) {
        line("RELEASE " + nowMicros() + " " + deliveryId + " " + op + " " + (ok ? 1 : 0) + " " + startMicros);
    }

    /**
     * The limiter granted a slot: the send may go {@code delayMicros} after this line's time; {@code startMicros} is
     * when the reservation was asked.
     */
    public void grant(long chatId, int weight, boolean paid, long delayMicros, long startMicros) {
        line("GRANT " + nowMicros() + " " + chatId + " " + weight + " " + (paid ? 1 : 0) + " " + delayMicros + " " + startMicros);
    }

    /** The slot last granted to {@code chatId} here was missed and given back to the limiter: it no longer counts. */
    public void ungrant(long chatId) {
        line("UNGRANT " + nowMicros() + " " + chatId);
    }

    /** A send is about to go on the wire. */
    public void send(String deliveryId, int attempt, long chatId) {
        line("SEND " + nowMicros() + " " + deliveryId + " " + attempt + " " + chatId);
    }

    /** A send's classified outcome. */
    public void outcome(String deliveryId, String outcomeClass) {
        line("OUTCOME " + nowMicros() + " " + deliveryId + " " + outcomeClass);
    }

    /** The admin alert for a FAILED delivery was handed over. */
    public void notified(String deliveryId) {
        line("NOTIFIED " + nowMicros() + " " + deliveryId);
    }

    private synchronized void line(String text) {
        try {
            out.write(text);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the event log", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the event log", e);
        }
    }
}
