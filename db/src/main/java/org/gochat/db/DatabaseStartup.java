package org.gochat.db;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.gochat.web.Revocations;

/**
 * Makes the database ready before a GoChat application takes its first request, and stops the
 * notification bus and then the embedded database when the last one stops (before the server takes
 * the data source away, which would leave the bus reconnecting to nothing; after every application
 * has stored what it accepted). Each WAR names this listener in its web.xml (a
 * listener in a shared library is not discovered by itself).
 */
public class DatabaseStartup implements ServletContextListener {

    private static final AtomicInteger RUNNING = new AtomicInteger();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        RUNNING.incrementAndGet();
        try {
            Database.ensureReady();
            Revocations.start(); // each server knows every revoked token before it takes a request
            Bus.resume();
        } catch (RuntimeException e) {
            stopped(); // the application does not start, so it is never destroyed either
            throw e;
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
