package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.gochat.testkit.Http;
import org.gochat.testkit.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One server of its own, as an operator would first start it: plain HTTP off
 * (GOCHAT_HTTP_PORT=-1), its own embedded PostgreSQL in a new data folder, a shorter HSTS max-age.
 * Its logs from the start until it is ready are read before any request of these tests.
 */
class HttpsOnlyFirstStartIT {

    private static final String ADMIN_PASSWORD = "first-start-" + System.nanoTime();

    private static LibertyServer server;
    private static List<String> console;
    private static List<String> messages;

    @BeforeAll
    static void startOnce() throws IOException {
        Path data = Path.of("target/it-data/https-only").toAbsolutePath();
        LibertyServer.deleteTree(data); // a first start: no keystore, no keys, no database yet
        Map<String, String> env = new HashMap<>();
        env.put("GOCHAT_HTTP_PORT", "-1");
        env.put("GOCHAT_HSTS_MAX_AGE", "600");
        env.put("GOCHAT_DATA_DIR", data.toString());
        env.put("GOCHAT_EMBEDDED_DB_PORT", String.valueOf(Ports.free()));
        env.put("GOCHAT_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("GOCHAT_KEYSTORE_PASSWORD", ""); // not set: the server generates the keystore's password
        server = LibertyServer.fresh("gochat-https-only", env).start();
        console = Files.readAllLines(server.serverDir().resolve("logs/console.log"));
        messages = Files.readAllLines(server.messagesLog());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /**
     * From the launch to /health/ready answering 200, with the embedded PostgreSQL created on the
     * way: console.log has no line of level WARNING, ERROR or FATAL, nothing written to standard
     * error ([err], e.g. SLF4J's "no binding") and no JVM warning; messages.log has no entry of
     * level W, E or F and nothing from standard error (R).
     */
    @Test
    void theFirstStartLogsNoWarningOrError() {
        assertTrue(messages.stream().anyMatch(l -> l.contains("CWWKZ0001I: Application chat started")), "not started: " + messages);

        List<String> consoleWarnings = console.stream()
                .filter(l -> l.matches("^\\[(WARNING|ERROR|FATAL|err) *\\].*") || l.contains("VM warning"))
                .toList();
        assertEquals(List.of(), consoleWarnings);

        Pattern entry = Pattern.compile("^\\[[^\\]]+\\] [0-9a-f]{8} \\S+\\s+([A-Z]) ");
        List<String> logWarnings = messages.stream().filter(l -> {
            Matcher m = entry.matcher(l);
            return m.find() && "WEFR".contains(m.group(1));
        }).toList();
        assertEquals(List.of(), logWarnings);
    }

    /** The server's JVM listens on the HTTPS port and on Liberty's command port only. */
    @Test
    void plainHttpIsOffAndHttpsAnswers() throws IOException {
        Path servers = server.serverDir().getParent();
        long pid = Long.parseLong(Files.readString(servers.resolve(".pid/gochat-https-only.pid")).trim());
        // workarea/.sCommand holds "<id>:<port>" of the command listener that `server stop` talks to
        Matcher command = Pattern.compile("(\\d+)\\s*$").matcher(Files.readString(server.serverDir().resolve("workarea/.sCommand")));
        assertTrue(command.find(), "no command port");
        int commandPort = Integer.parseInt(command.group(1));
        assertEquals(new TreeSet<>(Set.of(server.httpsPort, commandPort)), listeningPorts(pid));

        HttpClient tls = HttpClient.newBuilder().sslContext(server.tls()).build();
        Http.Response client = Http.send(tls, HttpRequest.newBuilder(server.httpsUri("/chat/app/")));
        assertEquals(200, client.status());
        assertEquals("max-age=600", client.header("Strict-Transport-Security"));
        assertEquals(200, Http.send(tls, HttpRequest.newBuilder(server.httpsUri("/health/ready"))).status());
    }

    /** TCP ports in LISTEN state held by the process {@code pid} (Linux: its socket descriptors in /proc). */
    private static Set<Integer> listeningPorts(long pid) throws IOException {
        Set<String> sockets;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            sockets = fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return ""; // closed meanwhile
                }
            }).filter(link -> link.startsWith("socket:[")).map(link -> link.substring(8, link.length() - 1))
                    .collect(Collectors.toSet());
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) { // after the header
                String[] f = line.trim().split("\\s+");
                // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
                if (f[3].equals("0A") && sockets.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
