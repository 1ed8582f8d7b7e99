package org.gochat.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runnable jar unpacks itself on every start into a new folder ({@code <root>/gochat_<number>/wlp},
 * the root being {@code WLP_JAR_EXTRACT_ROOT} or {@code ~/wlpExtract}). When it is stopped, Liberty
 * deletes that copy but keeps its {@code logs} folder; a jar killed outright leaves the whole copy.
 * So that they do not pile up, a server started from the jar removes, once, the copies of ended
 * runs beside its own: all but the logs of the {@value #KEPT_LOGS} latest ones, and every whole copy
 * that no running process uses.
 */
final class UnpackedCopies {

    static final int KEPT_LOGS = 3;

    private static final Logger LOG = Logger.getLogger(UnpackedCopies.class.getName());
    private static final Pattern COPY = Pattern.compile("(.+)_\\d+");
    /** A copy younger than this may be another jar still unpacking itself. */
    private static final Duration SETTLED = Duration.ofMinutes(2);

    private UnpackedCopies() {
    }

    /** Removes ended copies beside this server's installation, if it is one the jar unpacked. */
    static void removeEnded() {
        Optional.ofNullable(System.getProperty("wlp.install.dir")).map(Path::of).map(Path::toAbsolutePath)
                .map(Path::normalize).map(Path::getParent)
                .ifPresent(own -> removeEndedBeside(own, Instant.now()));
    }

    static void removeEndedBeside(Path own, Instant now) {
        var name = COPY.matcher(own.getFileName() == null ? "" : own.getFileName().toString());
        if (!name.matches() || own.getParent() == null) {
            return; // not an unpacked jar
        }
        String prefix = name.group(1) + "_";
        List<Path> ended;
        try (Stream<Path> siblings = Files.list(own.getParent())) {
            ended = siblings.filter(p -> !p.equals(own) && Files.isDirectory(p.resolve("wlp")))
                    .filter(p -> COPY.matcher(p.getFileName().toString()).matches()
                            && p.getFileName().toString().startsWith(prefix))
                    .filter(p -> modified(p).plus(SETTLED).isBefore(now))
                    .sorted(Comparator.comparing(UnpackedCopies::modified).reversed())
                    .toList();
        } catch (IOException e) {
            LOG.log(Level.FINE, "Cannot list " + own.getParent(), e);
            return;
        }
        int logsKept = 0;
        for (Path copy : ended) {
            boolean whole = Files.isDirectory(copy.resolve("wlp/lib"));
            if (whole && usedByAProcess(copy)) {
                continue; // another jar, running
            }
            if (!whole && logsKept < KEPT_LOGS) {
                logsKept++;
                continue;
            }
            delete(copy);
        }
    }

    private static boolean usedByAProcess(Path copy) {
        String path = copy.toString();
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.contains(path)).orElse(false));
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return FileTime.fromMillis(0).toInstant();
        }
    }

    private static void delete(Path copy) {
        try (Stream<Path> tree = Files.walk(copy)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
            LOG.info("Removed " + copy + ", the runnable jar's unpacked copy of an ended run");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not remove " + copy + ", the runnable jar's unpacked copy of an ended run", e);
        }
    }
}
