package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.gochat.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server exposes and how: HSTS over HTTPS, /metrics for the administrator only, no
 * features that serve nothing of GoChat's, TLS with modern AEAD cipher suites only.
 */
@ExtendWith(GochatSystem.class)
class TransportSecurityIT {

    private static final String HSTS = "Strict-Transport-Security";

    @Test
    void httpsResponsesCarryStrictTransportSecurityAndHttpOnesDoNot() {
        HttpClient tls = tlsClient();
        for (String path : List.of("/auth/", "/user/", "/chat/", "/chat/app/")) {
            Http.Response secure = Http.send(tls, HttpRequest.newBuilder(server().httpsUri(path)));
            assertEquals(200, secure.status(), path);
            assertEquals("max-age=31536000", secure.header(HSTS), path);

            Http.Response plain = Http.get(server().uri(path));
            assertEquals(200, plain.status(), path);
            assertNull(plain.header(HSTS), path);
        }
    }

    @Test
    void metricsAnswerTheAdministratorOnly() {
        HttpClient tls = tlsClient();
        HttpRequest.Builder metrics = HttpRequest.newBuilder(server().httpsUri("/metrics?scope=application"));

        Http.Response anonymous = Http.send(tls, metrics.copy());
        assertEquals(401, anonymous.status());
        assertTrue(anonymous.header("WWW-Authenticate").startsWith("Basic"), anonymous.header("WWW-Authenticate"));
        assertTrue(!anonymous.body().contains("gochat_"), anonymous.body());

        assertEquals(401, Http.send(tls, metrics.copy().header("Authorization", Http.basic("admin", "wrong"))).status());

        Http.Response admin = Http.send(tls, metrics.copy()
                .header("Authorization", Http.basic("admin", GochatSystem.ADMIN_PASSWORD)));
        assertEquals(200, admin.status());
        assertTrue(admin.body().contains("# TYPE gochat_"), admin.body());

        // plain HTTP is sent to HTTPS, never answered with the figures
        Http.Response plain = Http.get(server().uri("/metrics?scope=application"));
        assertEquals(302, plain.status());
        assertTrue(plain.header("Location").startsWith("https://localhost:" + server().httpsPort + "/metrics"),
                plain.header("Location"));
    }

    @Test
    void theJwtFeatureServesNoEndpoints() {
        for (String path : List.of("/jwt/ibm/api/defaultJWT/jwk", "/jwt/ibm/api/defaultJWT/token")) {
            assertEquals(404, Http.get(server().uri(path)).status(), path);
        }
    }

    @Test
    void theServerInstallsNoJwtAndNoLocalConnectorFeature() throws IOException {
        Matcher installed = Pattern.compile("CWWKF0012I: The server installed the following features: \\[([^]]*)]")
                .matcher(Files.readString(server().messagesLog()));
        assertTrue(installed.find(), "no CWWKF0012I in messages.log");
        List<String> features = List.of(installed.group(1).split(", "));
        assertTrue(features.contains("restfulWS-3.1"), features::toString); // the list is the one we think
        for (String unused : List.of("jwt-1.0", "mpJwt-2.1", "localConnector-1.0")) {
            assertTrue(!features.contains(unused), unused + " in " + features);
        }
    }

    /** Static-RSA key exchange and CBC, with and without forward secrecy: refused by the server. */
    @ParameterizedTest
    @ValueSource(strings = {"TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"})
    void tlsRefusesSuitesWithoutForwardSecrecyOrAead(String suite) throws IOException {
        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, () -> handshake(suite, "TLSv1.2"));
        // the server ends the handshake (Liberty closes the connection, sending no alert): not this
        // client declining its own offer ("No appropriate protocol ...")
        assertEquals("Remote host terminated the handshake", refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"})
    void tls12AcceptsForwardSecretAeadSuites(String suite) throws IOException {
        assertEquals(suite, handshake(suite, "TLSv1.2"));
    }

    @Test
    void tls13IsAccepted() throws IOException {
        assertEquals("TLS_AES_128_GCM_SHA256", handshake("TLS_AES_128_GCM_SHA256", "TLSv1.3"));
    }

    /** A TLS handshake offering one suite and one protocol; the suite agreed on. */
    private static String handshake(String suite, String protocol) throws IOException {
        try (SSLSocket socket = (SSLSocket) server().tls().getSocketFactory().createSocket("localhost", server().httpsPort)) {
            assertTrue(List.of(socket.getSupportedCipherSuites()).contains(suite), suite + " not supported by this JDK");
            socket.setSoTimeout(30_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }

    private static HttpClient tlsClient() {
        return HttpClient.newBuilder().sslContext(server().tls()).build();
    }

    private static LibertyServer server() {
        return GochatSystem.server();
    }
}
