package org.gochat.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.gochat.testkit.Ports;
import org.gochat.testkit.TestPostgres;

/**
 * The PostgreSQL a benchmark's server runs on, started and stopped by the benchmark:
 * {@code embedded}, the test-owned one (which runs with {@code fsync} and {@code synchronous_commit} off), or
 * {@code external}, Debian's stock PostgreSQL at its default durability ({@code synchronous_commit = on},
 * {@code fsync = on}), run as the {@code postgres} OS user in a temporary folder on a free port.
 */
final class BenchPostgres implements AutoCloseable {

    private final Path dataDir;
    private final String jdbcUrl;
    final String description;
    private final TestPostgres embedded;
    private final Path pgBin;

    private BenchPostgres(Path dataDir, String jdbcUrl, String description, TestPostgres embedded, Path pgBin) {
        this.dataDir = dataDir;
        this.jdbcUrl = jdbcUrl;
        this.description = description;
        this.embedded = embedded;
        this.pgBin = pgBin;
    }

    /** {@code mode} is {@code embedded} or {@code external}; {@code pgBin} (external only) may be null: the newest installed. */
    static BenchPostgres start(String mode, Path embeddedDir, String pgBin) throws IOException, InterruptedException {
        if (mode.equals("embedded")) {
            TestPostgres postgres = new TestPostgres(embeddedDir).start();
            return new BenchPostgres(embeddedDir, postgres.jdbcUrl(),
                    "embedded PostgreSQL (test-owned: fsync=off, synchronous_commit=off)", postgres, null);
        }
        if (!mode.equals("external")) {
            throw new IllegalArgumentException("db=" + mode + ": expected embedded or external");
        }
        Path bin = pgBin != null ? Path.of(pgBin) : newestDebianPostgres();
        Path dir = Files.createTempDirectory("gochat-bench-pg");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // for the postgres user
        Path data = dir.resolve("data");
        int port = Ports.free();
        run(bin, "initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8");
        run(bin, "pg_ctl", "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(), "-w", "-t", "120",
                "-o", "-p " + port + " -c listen_addresses=localhost -c unix_socket_directories=" + dir
                        + " -c max_connections=300",
                "start");
        return new BenchPostgres(data, "jdbc:postgresql://localhost:" + port + "/postgres",
                "stock PostgreSQL " + bin + " (default durability: synchronous_commit=on, fsync=on)", null, bin);
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** The postmaster's process id (first line of postmaster.pid). */
    long pid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.stop();
            return;
        }
        try {
            run(pgBin, "pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "stop");
            try (Stream<Path> files = Files.walk(dataDir.getParent())) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path newestDebianPostgres() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("db=external needs PostgreSQL's server binaries: apt-get install -y postgresql,"
                    + " or pgBin=<folder with initdb and pg_ctl>");
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no initdb under " + root));
        }
    }

    /** Runs one of PostgreSQL's programs; as the {@code postgres} OS user when we are root (initdb refuses root). */
    private static void run(Path bin, String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (System.getProperty("user.name").equals("root")) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
