package org.gochat.chat.boundary;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import org.gochat.chat.control.Hub;

/**
 * Stops the chat hub in order when chat-war stops (server stop, application stop or update): the
 * web module's listeners run while its connections and executors still work, unlike the hub's
 * {@code @PreDestroy}; then lets the hub release what uses the database, which the shared library
 * stops after the last application's listeners.
 */
@WebListener
public class OrderlyStop implements ServletContextListener {

    @Inject
    Hub hub;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        hub.stopOrderly();
        hub.release();
    }
}
