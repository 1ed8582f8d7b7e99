package org.gochat.db;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.gochat.web.Revocations;

/**
 * Makes the database ready before a GoChat application takes its first request. Each WAR names
 * this listener in its web.xml (a listener in a shared library is not discovered by itself).
 */
public class DatabaseStartup implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Database.ensureReady();
        Revocations.start(); // each server knows every revoked token before it takes a request
    }
}
