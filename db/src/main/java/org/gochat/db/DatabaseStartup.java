package org.gochat.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.gochat.web.Revocations;

/**
 * Makes the database ready before a GoChat application takes its first request (and, once per
 * server, what the first start generates: see {@link #serverStarting()}), and stops the notification
 * bus and then the embedded database when the last one stops (before the server takes the data
 * source away, which would leave the bus reconnecting to nothing; after every application has
 * stored what it accepted). Each WAR names this listener in its web.xml (a listener in a shared
 * library is not discovered by itself).
 */
public class DatabaseStartup implements ServletContextListener {

    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static boolean serverStarted;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        RUNNING.incrementAndGet();
        try {
            serverStarting();
            Database.ensureReady();
            Revocations.start(); // each server knows every revoked token before it takes a request
            Bus.resume();
        } catch (RuntimeException e) {
            stopped(); // the application does not start, so it is never destroyed either
            throw e;
        }
    }

    /**
     * Once per server, as its first application starts: the TLS keystore's password, generated if the
     * operator set none (see {@link KeystorePassword}), and, from the runnable jar, the removal of
     * what earlier runs left unpacked (see {@link UnpackedCopies}).
     */
    private static synchronized void serverStarting() {
        if (!serverStarted) {
            serverStarted = true;
            try {
                KeystorePassword.ensure(DataFolder.path(), Settings.get(KeystorePassword.VARIABLE));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the TLS keystore's password in the data folder", e);
            }
            UnpackedCopies.removeEnded();
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
