package org.gochat.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one folder where a server keeps what it generates and must find again after a restart
 * ({@code GOCHAT_DATA_DIR}, by default {@code .gochat} in the user's home): the token signing key,
 * the TLS keystore and its password, the Admin Center password of the run command, the embedded
 * database's password and its data. The folder is the owner's only (0700), and every file in it is
 * created owner-only (0600) from its first byte.
 *
 * <p>Also used outside the server by the run command ({@code ServerRun}), so nothing here but
 * {@link #path()} needs the server's configuration.
 */
public final class DataFolder {

    public static final String VARIABLE = "GOCHAT_DATA_DIR";

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DataFolder() {
    }

    /** This server's data folder, created owner-only if absent, made owner-only if it is not. */
    public static Path path() throws IOException {
        return ownerOnly(resolve(Settings.get(VARIABLE)));
    }

    /**
     * {@code configured} if set, else {@code .gochat} in the home folder: {@code $HOME}, else Java's
     * {@code user.home}. (server.xml's default, {@code ${env.HOME}/.gochat}, stays unresolved
     * when HOME is not set.)
     */
    public static Path resolve(Optional<String> configured) {
        return configured.filter(dir -> !dir.contains("${"))
                .map(Path::of)
                .orElseGet(() -> home().resolve(".gochat"))
                .toAbsolutePath();
    }

    private static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    /** Creates the data folder {@code dir} (and missing parents) owner-only; makes an existing one owner-only. */
    public static Path ownerOnly(Path dir) throws IOException {
        create(dir);
        if (POSIX && !Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
        return dir;
    }

    /** Creates {@code dir} and any missing parents owner-only (an existing folder is left as it is). */
    private static void create(Path dir) throws IOException {
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** The secret kept in {@code dir/name}, a new random one (20 letters and digits) if there is none yet. */
    public static String secret(Path dir, String name) throws IOException {
        return readOrCreate(dir.resolve(name), DataFolder::randomSecret).trim();
    }

    public static String randomSecret() {
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }

    /**
     * The text of {@code file}, which is created with {@code content} if it does not exist. It is
     * written owner-only under a temporary name and then renamed, under a file lock, so neither
     * another user nor a server starting at the same moment ever reads a partial or another file.
     */
    public static String readOrCreate(Path file, Supplier<String> content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.exists(file)) {
            create(dir);
            Path lockFile = dir.resolve(file.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnlyFile());
                    FileLock lock = channel.lock()) {
                if (!Files.exists(file)) {
                    // createTempFile: owner-only (0600) from the start on POSIX file systems
                    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
                    try {
                        Files.writeString(tmp, content.get(), StandardCharsets.UTF_8);
                        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                }
            }
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Permissions for a new file: owner-only (0600) where the file system has POSIX permissions. */
    static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }
}
