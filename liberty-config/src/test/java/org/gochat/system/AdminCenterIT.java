package org.gochat.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;

import org.gochat.testkit.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Liberty's Admin Center over HTTPS, with the administrator from GOCHAT_ADMIN_USER / GOCHAT_ADMIN_PASSWORD. */
@ExtendWith(GochatSystem.class)
class AdminCenterIT {

    private static final String ADMIN_API = "/ibm/api/adminCenter/v1/toolbox";

    @Test
    void theAdministratorLogsInThroughTheLoginForm() {
        HttpClient browser = browser();
        assertEquals(server().httpsUri("/adminCenter/").toString(), formLogin(browser, "admin", GochatSystem.ADMIN_PASSWORD));

        Http.Response console = Http.send(browser, HttpRequest.newBuilder(server().httpsUri("/adminCenter/")));
        assertEquals(200, console.status());
        assertTrue(console.body().contains("Admin Center") || console.body().contains("adminCenter"), console.body());
    }

    @Test
    void aWrongPasswordIsSentBackToTheLoginForm() {
        HttpClient browser = browser();
        assertTrue(formLogin(browser, "admin", "not-" + GochatSystem.ADMIN_PASSWORD).endsWith("/adminCenter/login.jsp?login-error"));

        Http.Response console = Http.send(browser, HttpRequest.newBuilder(server().httpsUri("/adminCenter/")));
        assertEquals(302, console.status());
        assertTrue(console.header("Location").contains("/adminCenter/login.jsp"), console.header("Location"));
    }

    @Test
    void theAdministrationApiAnswersTheAdministratorOnly() {
        HttpClient client = HttpClient.newBuilder().sslContext(server().tls()).build(); // no cookies kept
        URI api = server().httpsUri(ADMIN_API);

        assertEquals(200, Http.send(client, HttpRequest.newBuilder(api)
                .header("Authorization", Http.basic("admin", GochatSystem.ADMIN_PASSWORD))).status());

        Http.Response anonymous = Http.send(client, HttpRequest.newBuilder(api));
        assertEquals(401, anonymous.status());
        assertTrue(anonymous.header("WWW-Authenticate").startsWith("Basic"), anonymous.header("WWW-Authenticate"));

        assertEquals(401, Http.send(client, HttpRequest.newBuilder(api)
                .header("Authorization", Http.basic("admin", "wrong"))).status());
    }

    @Test
    void theApplicationRoutesDoNotAskForTheAdministrator() {
        for (String root : new String[] {"/auth/", "/user/", "/chat/"}) {
            Http.Response response = Http.get(server().uri(root));
            assertEquals(200, response.status(), root);
            assertEquals(null, response.header("WWW-Authenticate"), root);
        }
    }

    /** The Admin Center's login page: GET it for its CSRF cookie, then post the form; returns where it redirects. */
    private static String formLogin(HttpClient browser, String user, String password) {
        Http.send(browser, HttpRequest.newBuilder(server().httpsUri("/adminCenter/")));
        Http.send(browser, HttpRequest.newBuilder(server().httpsUri("/adminCenter/login.jsp")));
        String csrf = ((CookieManager) browser.cookieHandler().orElseThrow()).getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("csrfToken")).map(HttpCookie::getValue).findFirst().orElseThrow();
        String form = "j_username=" + user + "&j_password=" + password + "&X-CSRF-Token=" + csrf;
        Http.Response response = Http.send(browser, HttpRequest.newBuilder(server().httpsUri("/adminCenter/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals(302, response.status());
        return response.header("Location");
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().sslContext(server().tls()).cookieHandler(new CookieManager()).build();
    }

    private static LibertyServer server() {
        return GochatSystem.server();
    }
}
