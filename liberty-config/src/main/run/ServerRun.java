import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs a GoChat server in the foreground ({@code ./mvnw -Prun package} calls
 * {@code java ServerRun.java <wlp dir> <server name>}), with an Admin Center administrator even
 * when GOCHAT_ADMIN_PASSWORD is not set: on the first start a random password is generated and
 * printed once on this terminal (never into a log) and kept for later starts in the server's
 * resources/security/admin-password, readable only by its owner, next to the keystore and the
 * token signing key. Delete that file to get a new password. A GOCHAT_ADMIN_PASSWORD of the
 * environment always wins and leaves the file alone.
 */
public class ServerRun {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public static void main(String[] args) throws Exception {
        Path wlp = Path.of(args[0]);
        String server = args[1];
        ProcessBuilder run = new ProcessBuilder(wlp.resolve("bin/server").toString(), "run", server).inheritIO();
        if (System.getenv().getOrDefault("GOCHAT_ADMIN_PASSWORD", "").isBlank()) {
            run.environment().put("GOCHAT_ADMIN_PASSWORD",
                    adminPassword(wlp.resolve("usr/servers").resolve(server)));
        }
        Process process = run.start();
        // Ctrl+C reaches the server too; wait for its orderly stop before this launcher exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                process.waitFor(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.exit(process.waitFor());
    }

    private static String adminPassword(Path serverDir) throws IOException {
        String user = System.getenv().getOrDefault("GOCHAT_ADMIN_USER", "admin");
        Path file = serverDir.resolve("resources/security/admin-password");
        if (Files.exists(file)) {
            System.out.println("Admin Center: user '" + user + "', the password generated on this server's first start,"
                    + " kept in " + file + " (delete it for a new one).");
            return Files.readString(file).trim();
        }
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, password + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own permissions apply
        }
        System.out.println();
        System.out.println("  Admin Center https://localhost:" + System.getenv().getOrDefault("GOCHAT_HTTPS_PORT", "9443")
                + "/adminCenter/ : user '" + user + "', generated password " + password);
        System.out.println("  Shown only this once (kept, readable only by you, in " + file + ").");
        System.out.println("  Set GOCHAT_ADMIN_PASSWORD to choose your own.");
        System.out.println();
        return password.toString();
    }
}
