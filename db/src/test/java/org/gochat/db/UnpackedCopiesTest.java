package org.gochat.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackedCopiesTest {

    @TempDir
    Path root;

    @Test
    void theCopiesOfEndedRunsGoExceptTheLatestLogs() throws Exception {
        Instant now = Instant.now();
        Path own = copy("gochat_900", true, now);
        for (int i = 1; i <= 5; i++) { // stopped runs: Liberty kept their logs only
            copy("gochat_" + i, false, now.minus(Duration.ofHours(10 - i)));
        }
        copy("gochat_50", true, now.minus(Duration.ofHours(1))); // killed: the whole copy, no process
        copy("gochat_60", true, now); // another jar still unpacking itself
        copy("other_1", false, now.minus(Duration.ofDays(1))); // another jar's
        Files.createDirectories(root.resolve("gochat_notes"));

        UnpackedCopies.removeEndedBeside(own, now);

        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of("gochat_3", "gochat_4", "gochat_5", "gochat_60", "gochat_900", "gochat_notes", "other_1"),
                    left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aServerNotUnpackedByTheJarTouchesNothing() throws Exception {
        Path own = Files.createDirectories(root.resolve("openliberty"));
        copy("gochat_1", false, Instant.now().minus(Duration.ofDays(1)));
        UnpackedCopies.removeEndedBeside(own, Instant.now());
        assertEquals(true, Files.exists(root.resolve("gochat_1")));
    }

    private Path copy(String name, boolean whole, Instant modified) throws Exception {
        Path copy = root.resolve(name);
        Files.createDirectories(copy.resolve(whole ? "wlp/lib" : "wlp/usr/servers/gochat/logs"));
        Files.writeString(copy.resolve(whole ? "wlp/lib/x.jar" : "wlp/usr/servers/gochat/logs/messages.log"), "x");
        Files.setLastModifiedTime(copy, FileTime.from(modified));
        return copy;
    }
}
