package org.gochat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What Linux's /proc tells about a server process: CPU time, threads, resident memory. */
final class Proc {

    /** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /** User plus system CPU time of the process, all its threads, in nanoseconds. */
    static long cpuNanos(long pid) {
        String[] fields = statFields(pid);
        // after the ")" of the command name: state is field 3, utime 14, stime 15 (1-based, see proc(5))
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** CPU time of the process and of its live children (a PostgreSQL server and its backends). */
    static long treeCpuNanos(long pid) {
        long total = cpuNanos(pid);
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    try {
                        String[] fields = statFields(Long.parseLong(name));
                        if (Long.parseLong(fields[1]) == pid) {
                            total += cpuNanos(Long.parseLong(name));
                        }
                    } catch (UncheckedIOException | NumberFormatException e) {
                        // the process ended while we looked
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    /** The process's parent (a PostgreSQL backend's is the server's main process). */
    static long parent(long pid) {
        return Long.parseLong(statFields(pid)[1]);
    }

    static int threads(long pid) {
        return (int) status(pid, "Threads:");
    }

    static long rssBytes(long pid) {
        return status(pid, "VmRSS:") * 1024; // reported in kB
    }

    /** The fields of /proc/pid/stat after the command name: [0] is the state, [1] the parent's pid. */
    private static String[] statFields(long pid) {
        String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static long status(long pid, String key) {
        return read(Path.of("/proc", String.valueOf(pid), "status")).lines().filter(l -> l.startsWith(key))
                .map(l -> l.substring(key.length()).trim().split("\\s+")[0]).mapToLong(Long::parseLong)
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + key + " for process " + pid));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
