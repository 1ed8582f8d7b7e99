package org.gochat.chat;

import java.io.File;

import org.gochat.testkit.ChatSocket;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The deployment of the in-container tests: the chat service's classes and descriptors, with the
 * tests and the kit's WebSocket client they use inside the server.
 */
final class ChatArchive {

    private ChatArchive() {
    }

    static WebArchive create() {
        return ShrinkWrap.create(WebArchive.class, "chat-it.war")
                .addPackages(true, "org.gochat.chat")
                .addClass(ChatSocket.class)
                .addAsResource("META-INF/persistence.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .setWebXML(new File("src/main/webapp/WEB-INF/web.xml"));
    }
}
