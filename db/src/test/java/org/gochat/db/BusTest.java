package org.gochat.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.gochat.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The bus connection against a real PostgreSQL. */
class BusTest {

    private static TestPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.temporary();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.stop();
    }

    /**
     * Under a steady stream of notifications, about one every 0.3 ms, each getNotifications call
     * returns what has arrived. The driver as shipped keeps reading until the stream pauses for a
     * millisecond, so its calls return dozens of notifications, each held back until then.
     */
    @Test
    void notificationsAreReturnedAsTheyArrive() throws Exception {
        try (Connection listener = postgres.dataSource().getConnection();
                Connection publisher = postgres.dataSource().getConnection()) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN bus_test");
            }
            assertTrue(Bus.deliverPromptly(listener), "the driver's internals changed: see Bus.deliverPromptly");

            AtomicBoolean streaming = new AtomicBoolean(true);
            CountDownLatch first = new CountDownLatch(1);
            Thread stream = new Thread(() -> publish(publisher, TimeUnit.SECONDS.toNanos(2), first, streaming));
            stream.start();
            int calls = 0;
            int received = 0;
            try {
                assertTrue(first.await(10, TimeUnit.SECONDS));
                PGConnection pg = listener.unwrap(PGConnection.class);
                while (streaming.get()) {
                    int n = pg.getNotifications(1_000).length;
                    if (n > 0) {
                        calls++;
                        received += n;
                    }
                }
            } finally {
                stream.join();
            }
            assertTrue(received > 1_000, "only " + received + " notifications in 2 s");
            assertTrue(received <= 5 * calls, received + " notifications in " + calls + " calls");
        }
    }

    /** Notifies in a steady stream for the given time. */
    private static void publish(Connection c, long nanos, CountDownLatch first, AtomicBoolean streaming) {
        long end = System.nanoTime() + nanos;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('bus_test', 'x')")) {
            while (System.nanoTime() < end) {
                ps.execute();
                first.countDown();
                LockSupport.parkNanos(100_000);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } finally {
            streaming.set(false);
        }
    }
}
