package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gochat.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No password, token or cookie value ever reaches the server's logs (messages, console, access
 * log, trace, FFDC): after traffic that carries known secrets, successful and failing, every log
 * file is searched for them.
 */
@ExtendWith(GochatSystem.class)
class LogSecretsIT {

    @Test
    void secretsNeverReachTheLogs() throws Exception {
        LibertyServer server = GochatSystem.server();
        String name = AuthIT.unique();
        String email = name + "@example.org";
        String password = "pw-" + AuthIT.unique();
        String wrongPassword = "wrong-" + AuthIT.unique();
        String forgedToken = "eyJhbGciOiJSUzI1NiJ9." + AuthIT.unique() + "." + AuthIT.unique();
        String queryToken = "q-" + AuthIT.unique();

        assertEquals(201, AuthIT.register(name, email, password).status());
        assertEquals(401, AuthIT.login(email, wrongPassword).status());
        String token = AuthIT.login(email, password).json().getString("token");

        assertEquals(200, Http.send(HttpRequest.newBuilder(server.uri("/user/me"))
                .header("Authorization", "Bearer " + token)).status());
        assertEquals(200, Http.send(HttpRequest.newBuilder(server.uri("/user/me"))
                .header("Cookie", "auth_token=" + token)).status());
        assertEquals(401, Http.send(HttpRequest.newBuilder(server.uri("/user/me"))
                .header("Authorization", "Bearer " + forgedToken)).status());
        assertEquals(401, Http.send(HttpRequest.newBuilder(server.uri("/user/me"))
                .header("Cookie", "auth_token=" + forgedToken)).status());
        // A secret in a query string (no route takes one) stays out of the access log too.
        assertEquals(401, Http.get(server.uri("/user/me?access_token=" + queryToken)).status());
        assertEquals(400, Http.send(AuthIT.post("/auth/register",
                "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"")).status());
        assertEquals(202, Http.send(AuthIT.post("/auth/logout", null)
                .header("Authorization", "Bearer " + token)).status());
        assertEquals(401, Http.send(HttpRequest.newBuilder(server.uri("/user/me"))
                .header("Authorization", "Bearer " + token)).status());

        HttpClient tls = HttpClient.newBuilder().sslContext(server.tls()).build();
        assertEquals(200, Http.send(tls, HttpRequest.newBuilder(server.httpsUri("/ibm/api/adminCenter/v1/toolbox"))
                .header("Authorization", Http.basic("admin", GochatSystem.ADMIN_PASSWORD))).status());
        assertEquals(401, Http.send(tls, HttpRequest.newBuilder(server.httpsUri("/ibm/api/adminCenter/v1/toolbox"))
                .header("Authorization", Http.basic("admin", wrongPassword))).status());

        // The access log is written in the background: wait until it shows the last request above.
        Path accessLog = server.serverDir().resolve("logs/access.log");
        awaitContains(accessLog, "/ibm/api/adminCenter/v1/toolbox");
        String access = Files.readString(accessLog);
        assertTrue(Pattern.compile("\"POST /auth/login HTTP/[0-9.]+\" 401 ").matcher(access).find(), access);
        assertTrue(Pattern.compile("\"GET /user/me HTTP/[0-9.]+\" 401 ").matcher(access).find(), access);

        List<String> secrets = List.of(password, wrongPassword, token, forgedToken, queryToken,
                GochatSystem.ADMIN_PASSWORD, Http.basic("admin", GochatSystem.ADMIN_PASSWORD).substring(6));
        List<Path> logs = logFiles(server.serverDir().resolve("logs"));
        assertTrue(logs.contains(server.messagesLog()), logs.toString());
        for (Path log : logs) {
            String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse(text.contains(secret), () -> log + " contains a secret of the test traffic");
            }
        }
    }

    private static List<Path> logFiles(Path logsDir) {
        try (Stream<Path> files = Files.walk(logsDir)) {
            return new ArrayList<>(files.filter(Files::isRegularFile).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitContains(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!(Files.exists(file) && Files.readString(file).contains(text))) {
            assertTrue(System.nanoTime() < deadline, file + " never showed " + text);
            Thread.sleep(200);
        }
    }
}
