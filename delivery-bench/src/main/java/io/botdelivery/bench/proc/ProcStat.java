package io.botdelivery.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One process's line of {@code /proc/<pid>/stat} (Linux): what the benches read to say how much CPU a process they did
 * not start in-JVM (a bot jar, PostgreSQL, Redis) used. Times are in clock ticks ({@link #TICK_NANOS}).
 *
 * @param pid              the process id
 * @param command          its command name as the kernel keeps it (15 characters at most)
 * @param parent           its parent's pid
 * @param userTicks        CPU in user mode
 * @param systemTicks      CPU in the kernel
 * @param childUserTicks   reaped children's user CPU
 * @param childSystemTicks reaped children's kernel CPU
 */
public record ProcStat(long pid, String command, long parent, long userTicks, long systemTicks, long childUserTicks,
                       long childSystemTicks) {
    /** USER_HZ is 100 on Linux. */
    public static final double TICK_NANOS = 1e9 / 100;

    /** Own CPU, user + kernel, in ticks. */
    public long ownTicks() {
        return userTicks + systemTicks;
    }

    /** The process {@code pid}; empty when it is gone or /proc cannot be read. */
    public static Optional<ProcStat> of(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command may hold spaces and parentheses: the fields after it start at its last closing parenthesis
            String command = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
            return Optional.of(new ProcStat(pid, command, Long.parseLong(f[1]), Long.parseLong(f[11]),
                    Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Every process readable now. */
    public static List<ProcStat> all() {
        List<ProcStat> all = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    of(Long.parseLong(name)).ifPresent(all::add);
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to report
        }
        return all;
    }
}
