package org.gochat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.UUID;

import jakarta.inject.Inject;

import org.gochat.auth.control.Accounts;
import org.gochat.auth.entity.Account;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside Liberty: the real Accounts bean against the real (embedded) PostgreSQL. */
@ExtendWith(ArquillianExtension.class)
class AccountsIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "auth-it.war")
                .addPackages(true, "org.gochat.auth")
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .setWebXML(new File("src/main/webapp/WEB-INF/web.xml"));
    }

    @Inject
    Accounts accounts;

    @Test
    void storesAnAccountAndFindsItByEmailIgnoringCase() {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        Account created = accounts.create(name, name + "@Example.org", "hash");
        assertNotNull(created.getId());

        Account found = accounts.byEmail(name.toUpperCase() + "@example.ORG").orElseThrow();
        assertEquals(created.getId(), found.getId());
        assertEquals(name, found.getUsername());
        assertNotNull(found.getCreatedAt());
        assertTrue(accounts.byEmail("nobody-" + name + "@example.org").isEmpty());
    }
}
