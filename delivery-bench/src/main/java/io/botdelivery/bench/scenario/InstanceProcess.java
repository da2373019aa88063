package io.botdelivery.bench.scenario;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One instance JVM ({@link InstanceMain}) started by the coordinator, and the small line protocol spoken with it.
 *
 * <p>From the instance, on its standard output: {@code @READY}, {@code @STATS …} every second, {@code @QUEUE …},
 * {@code @SUBMITTED n} when its share of the workload is in, {@code @STOPPED} at the end. To it, on its standard
 * input: {@code start <epochMillis>} (the scenario's time zero) and {@code stop} (graceful shutdown). Anything else it
 * prints goes to its log file, not here.
 */
final class InstanceProcess {
    private static final Logger log = LoggerFactory.getLogger(InstanceProcess.class);

    private final InstanceSettings settings;
    private final Process process;
    private final Writer stdin;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch submitted = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<InstanceSample> samples = new CopyOnWriteArrayList<>();
    private volatile String lastQueueLine;

    private InstanceProcess(InstanceSettings settings, Process process) {
        this.settings = settings;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readOutput, "instance-" + settings.slot() + "." + settings.incarnation() + "-out");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@link InstanceMain} in a new JVM on this JVM's class path, with its settings written next to its logs.
     *
     * @param jvmOptions e.g. {@code -Xmx384m}
     */
    static InstanceProcess launch(InstanceSettings settings, List<String> jvmOptions) {
        Path settingsFile = settings.runDirectory().resolve(
                String.format("instance-%d-%02d.properties", settings.slot(), settings.incarnation()));
        settings.write(settingsFile);
        Path logback = settings.runDirectory().resolve("logback-instance.xml");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlogback.configurationFile=" + logback.toAbsolutePath());
        command.add("-Dbench.instance.log=" + settings.logFile().toAbsolutePath());
        command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(InstanceMain.class.getName());
        command.add(settingsFile.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(settings.runDirectory()
                        .resolve(String.format("instance-%d-%02d.stderr", settings.slot(), settings.incarnation())).toFile()));
        try {
            return new InstanceProcess(settings, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start instance " + settings.slot(), e);
        }
    }

    InstanceSettings settings() {
        return settings;
    }

    long pid() {
        return process.pid();
    }

    boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean awaitSubmitted(Duration timeout) throws InterruptedException {
        return submitted.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean hasSubmitted() {
        return submitted.getCount() == 0;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<InstanceSample> samples() {
        return List.copyOf(samples);
    }

    /** The last {@code @QUEUE} line, or null. */
    String lastQueueLine() {
        return lastQueueLine;
    }

    /** Tells the instance the scenario's time zero. */
    void start(long startEpochMillis) {
        command("start " + startEpochMillis);
    }

    /** kill -9, and waits until the process is gone. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks for a graceful stop; after {@code grace} kills it. Returns whether it stopped by itself. */
    boolean stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return false;
        }
        try {
            command("stop");
        } catch (UncheckedIOException e) {
            log.warn("instance {} did not take the stop command ({}); killing it", settings.slot(), e.getMessage());
        }
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return stopped.getCount() == 0;
        }
        log.warn("instance {}.{} did not stop within {}; killing it", settings.slot(), settings.incarnation(), grace);
        killHard();
        return false;
    }

    private synchronized void command(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("instance " + settings.slot() + " is not listening", e);
        }
    }

    private void readOutput() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("@STATS")) {
                    InstanceSample s = InstanceSample.parse(settings.slot(), settings.incarnation(), line);
                    if (s != null) {
                        samples.add(s);
                    }
                } else if (line.startsWith("@QUEUE")) {
                    lastQueueLine = line;
                } else if (line.startsWith("@READY")) {
                    ready.countDown();
                } else if (line.startsWith("@SUBMITTED")) {
                    submitted.countDown();
                } else if (line.startsWith("@STOPPED")) {
                    stopped.countDown();
                }
            }
        } catch (IOException e) {
            // the process died: what it said until then is kept
        }
    }
}
