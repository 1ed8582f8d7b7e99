package org.gochat.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.gochat.web.Revocations;

/**
 * Makes the database (and the TLS keystore's password) ready before a GoChat application takes its
 * first request, and stops the
 * notification bus and then the embedded database when the last one stops (before the server takes
 * the data source away, which would leave the bus reconnecting to nothing; after every application
 * has stored what it accepted). Each WAR names this listener in its web.xml (a
 * listener in a shared library is not discovered by itself).
 */
public class DatabaseStartup implements ServletContextListener {

    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static boolean keystoreChecked;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        RUNNING.incrementAndGet();
        try {
            keystorePassword();
            Database.ensureReady();
            Revocations.start(); // each server knows every revoked token before it takes a request
            Bus.resume();
        } catch (RuntimeException e) {
            stopped(); // the application does not start, so it is never destroyed either
            throw e;
        }
    }

    /** Once per server: the TLS keystore's password, generated if the operator set none (see {@link KeystorePassword}). */
    private static synchronized void keystorePassword() {
        if (!keystoreChecked) {
            keystoreChecked = true;
            try {
                KeystorePassword.ensure(DataFolder.path(), Settings.get(KeystorePassword.VARIABLE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the TLS keystore's password in the data folder", e);
            }
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        stopped();
    }

    private static void stopped() {
        if (RUNNING.decrementAndGet() == 0) {
            Bus.stop();
            EmbeddedDatabase.stop();
        }
    }

    /** How many GoChat applications are running. */
    static int running() {
        return RUNNING.get();
    }
}
