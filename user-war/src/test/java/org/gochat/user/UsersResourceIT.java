package org.gochat.user;

import static org.gochat.testkit.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;

import org.gochat.testkit.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The user routes over HTTP, deployed alone: each route is found next to the status route, and without a
 * valid token every authenticated one answers 401 problem+json with the Bearer challenge.
 */
@ExtendWith(ArquillianExtension.class)
class UsersResourceIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TestData.deployment("user-http-it");
    }

    @ArquillianResource
    URL base;

    @Test
    @RunAsClient
    void statusStillAnswersBesideTheUserRoutes() throws Exception {
        Http.Response r = send("GET", "");
        assertEquals(200, r.status());
        assertEquals("{\"service\":\"user\",\"status\":\"UP\"}", r.body());
    }

    @Test
    @RunAsClient
    void everyAuthenticatedRouteWithoutAValidTokenIs401() throws Exception {
        String[][] routes = {{"GET", "me"}, {"GET", "1"}, {"GET", "1/followers"}, {"GET", "1/following"},
            {"POST", "follow?toFollowId=1"}, {"POST", "unfollow?toUnfollowId=1"},
            {"POST", "posts"}, {"GET", "posts/1"}, {"DELETE", "posts/1"}, {"GET", "1/posts"}, {"GET", "feed"}};
        for (String[] route : routes) {
            assertProblem(send(route[0], route[1]), 401);
        }
    }

    private Http.Response send(String method, String path) {
        return Http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer not.a.token")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("POST") ? "{}" : "")));
    }
}
