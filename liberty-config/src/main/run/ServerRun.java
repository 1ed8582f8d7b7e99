import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.gochat.db.DataFolder;
import org.gochat.db.KeystorePassword;

/**
 * Runs a GoChat server in the foreground: {@code ./mvnw -Prun package} calls
 * {@code java -cp <server>/lib/gochat/gochat-db.jar ServerRun.java <wlp dir> <server name>}.
 *
 * <p>Before the server starts it makes the secrets that Liberty's configuration needs and an
 * operator did not set, once, in the data folder (GOCHAT_DATA_DIR, by default ~/.gochat, see
 * {@link DataFolder}), owner-only, and passes them on:
 * <ul>
 * <li>GOCHAT_KEYSTORE_PASSWORD, kept in keystore-password, for the TLS keystore Liberty creates
 * (see {@link KeystorePassword}; the server would generate it too, but only once it runs);
 * <li>GOCHAT_ADMIN_PASSWORD, kept in admin-password, for the Admin Center administrator. It is
 * printed on the first start only when this process writes to a terminal (never into a log or a
 * file); otherwise, and on later starts, the run says where the file is. Delete it for a new one.
 * </ul>
 * A value set in the environment always wins and leaves its file alone.
 *
 * <p>A stop that was asked for (Ctrl+C, SIGTERM to the server or to this launcher) is a success:
 * exit 0, not the 130 or 143 of a signalled JVM, which Maven would report as a build failure.
 */
public class ServerRun {

    private static final int STOPPED_BY_SIGINT = 130;
    private static final int STOPPED_BY_SIGTERM = 143;

    public static void main(String[] args) throws Exception {
        Path wlp = Path.of(args[0]);
        String server = args[1];
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        ProcessBuilder run = new ProcessBuilder(wlp.resolve(windows ? "bin/server.bat" : "bin/server").toString(),
                "run", server).inheritIO();
        Map<String, String> env = run.environment();
        Path data = DataFolder.ownerOnly(DataFolder.resolve(Optional.ofNullable(System.getenv(DataFolder.VARIABLE))
                .filter(dir -> !dir.isBlank())));
        env.put(DataFolder.VARIABLE, data.toString());
        // Before the start, so that HTTPS is up with the applications (the server would do it later).
        KeystorePassword.ensure(data, Optional.ofNullable(env.get(KeystorePassword.VARIABLE)).filter(p -> !isBlank(p)));
        if (isBlank(env.get(KeystorePassword.VARIABLE))) {
            env.remove(KeystorePassword.VARIABLE); // set but blank would win over keystore.xml's generated one
        }
        if (isBlank(env.get("GOCHAT_ADMIN_PASSWORD"))) {
            env.put("GOCHAT_ADMIN_PASSWORD", adminPassword(data.resolve("admin-password")));
        }
        Path messages = wlp.resolve("usr/servers").resolve(server).resolve("logs/messages.log");
        Object previousLog = fileKey(messages);
        Process process = run.start();
        // A stop of this launcher (SIGTERM, Ctrl+C) stops the server in order, waits for it, and ends
        // as the server did: a server stopped on request is a success.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.destroy();
            try {
                if (process.waitFor(2, TimeUnit.MINUTES)) {
                    Runtime.getRuntime().halt(exitCode(process.exitValue()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        if (awaitStarted(process, messages, previousLog)) {
            System.out.println(whereItIs());
        }
        System.exit(exitCode(process.waitFor()));
    }

    private static int exitCode(int serverExit) {
        return serverExit == STOPPED_BY_SIGINT || serverExit == STOPPED_BY_SIGTERM ? 0 : serverExit;
    }

    /** The one line that tells where GoChat is, once its three services have started. */
    static String whereItIs() {
        String httpPort = System.getenv().getOrDefault("GOCHAT_HTTP_PORT", "9080");
        String httpsPort = System.getenv().getOrDefault("GOCHAT_HTTPS_PORT", "9443");
        String base = "-1".equals(httpPort) ? "https://localhost:" + httpsPort : "http://localhost:" + httpPort;
        return "GoChat is ready: browser client " + base + "/chat/app/ , API docs " + base + "/openapi/ui/ ,"
                + " Admin Center https://localhost:" + httpsPort + "/adminCenter/  (Ctrl+C stops it)";
    }

    /**
     * Waits until this start's messages.log (a new file: Liberty moves the previous one aside) says
     * that the three services started (CWWKZ0001I); false if the server ended first.
     */
    private static boolean awaitStarted(Process process, Path messages, Object previousLog) throws Exception {
        List<String> services = List.of("auth", "user", "chat");
        while (process.isAlive()) {
            Object key = fileKey(messages);
            if (key != null && !key.equals(previousLog)) {
                String log = Files.readString(messages, StandardCharsets.ISO_8859_1);
                if (services.stream().allMatch(app -> log.contains("CWWKZ0001I: Application " + app + " started"))) {
                    return true;
                }
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static Object fileKey(Path file) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key != null ? key : Files.getLastModifiedTime(file); // no file keys (Windows): the file's age tells
        } catch (IOException e) {
            return null; // not there (yet)
        }
    }

    private static String adminPassword(Path file) throws IOException {
        String user = System.getenv().getOrDefault("GOCHAT_ADMIN_USER", "admin");
        String url = "https://localhost:" + System.getenv().getOrDefault("GOCHAT_HTTPS_PORT", "9443") + "/adminCenter/";
        boolean created = !Files.exists(file);
        String password = DataFolder.secret(file.getParent(), file.getFileName().toString());
        System.out.println();
        if (created && onTerminal()) {
            System.out.println("  Admin Center " + url + " : user '" + user + "', generated password " + password);
            System.out.println("  Shown only this once (kept, readable only by you, in " + file + ").");
        } else {
            System.out.println("  Admin Center " + url + " : user '" + user + "', password in " + file
                    + " (readable only by you; delete it for a new one).");
        }
        System.out.println("  Set GOCHAT_ADMIN_PASSWORD to choose your own.");
        System.out.println();
        return password;
    }

    /** Whether standard output is a terminal (from Java 22 on, System.console() exists without one too). */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22: a console means a terminal
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
