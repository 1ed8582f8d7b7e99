package org.gochat.db;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;

/**
 * The server's PostgreSQL LISTEN/NOTIFY bus: one connection per server, its own (not one of the
 * dataSource's pool, since it stays in LISTEN and has the driver adjusted, see
 * {@link #deliverPromptly}), that listens on every channel a subscriber asked for, and hands each
 * notification to that channel's subscribers on the bus thread (subscribers must return quickly:
 * hand work off, never block).
 *
 * <p>When the connection is lost (database restart, network) the bus reconnects with backoff,
 * listens again, and calls every subscriber's {@link Subscriber#onReconnect()}: notifications sent
 * meanwhile are lost, so a subscriber catches up from its tables there. {@link #stop} closes it.
 */
public final class Bus {

    /** A subscriber of one channel. */
    public interface Subscriber {
        void onNotification(String payload);

        /** Called after the bus (re)connected; notifications may have been missed before it. */
        default void onReconnect() {
        }
    }

    /** Ends a subscription. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private static final Logger LOG = Logger.getLogger(Bus.class.getName());
    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final int POLL_MILLIS = 250;

    private static final Map<String, List<Subscriber>> SUBSCRIBERS = new ConcurrentHashMap<>();
    /** Channels the bus connection listens on now; touched only by the bus thread. */
    private static final Set<String> LISTENING = ConcurrentHashMap.newKeySet();
    private static volatile boolean connected;
    /** The bus thread; a thread that is no longer this one (after stop) ends its loop. */
    private static volatile Thread thread;

    private Bus() {
    }

    /** Subscribes to a channel; the bus starts with the first subscription. */
    public static Subscription subscribe(String channel, Subscriber subscriber) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("bad channel name " + channel);
        }
        SUBSCRIBERS.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(subscriber);
        startOnce();
        return () -> SUBSCRIBERS.getOrDefault(channel, List.of()).remove(subscriber);
    }

    /**
     * Sends a notification on the given connection; inside a transaction it is delivered when the
     * transaction commits, and not at all if it rolls back. Payloads are at most 8000 bytes.
     */
    public static void publish(Connection connection, String channel, String payload) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    /** Whether the bus holds a live LISTEN connection now. */
    public static boolean isConnected() {
        return connected;
    }

    /** Starts the bus again after {@link #stop}, when it has subscribers. */
    public static synchronized void resume() {
        if (!SUBSCRIBERS.isEmpty()) {
            startOnce();
        }
    }

    /**
     * Stops the bus and closes its connection, waiting briefly for both; subscriptions stay for
     * {@link #resume}. Called when the server's last GoChat application stops.
     */
    public static void stop() {
        Thread t;
        synchronized (Bus.class) {
            t = thread;
            thread = null;
        }
        if (t != null) {
            try {
                t.join(2 * POLL_MILLIS + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static synchronized void startOnce() {
        if (thread == null) {
            Thread t = new Thread(Bus::run, "gochat-bus");
            t.setDaemon(true);
            t.setContextClassLoader(Bus.class.getClassLoader()); // not the subscribing app's
            thread = t;
            t.start();
        }
    }

    private static void run() {
        try {
            listen();
        } finally {
            if (thread == null) { // stopped, not replaced by a new bus thread
                connected = false;
            }
            LOG.info("Notification bus stopped");
        }
    }

    private static void listen() {
        long backoff = 100;
        while (running()) {
            try (Connection c = Database.connectOutsidePool("gochat-bus")) {
                PGConnection pg = c.unwrap(PGConnection.class);
                deliverPromptly(c);
                LISTENING.clear();
                listenToNewChannels(c); // each subscriber catches up here
                connected = true;
                backoff = 100;
                LOG.info("Notification bus connected");
                while (running()) {
                    listenToNewChannels(c);
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            dispatch(n.getName(), n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (connected && running()) {
                    LOG.log(Level.WARNING, "Notification bus lost its connection; reconnecting: " + e.getMessage());
                }
                connected = false;
            }
            if (!running()) {
                break;
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, 2_000);
        }
    }

    /**
     * Makes the driver's getNotifications return the notifications that have arrived, at once. As
     * shipped (pgjdbc 42.7), {@code QueryExecutorImpl.processNotifies} goes on reading after each
     * notification for as long as {@code PGStream.hasMessagePending} finds more, and that waits up to
     * a millisecond on the socket for the next message (a 1 ms socket timeout and a peek); only a
     * wait that found nothing stops it waiting, for a second ({@code nextStreamAvailableCheckTime}).
     * So a steady stream (a busy chat) is held back until it pauses for a millisecond: measured here at
     * 1,000 notifications a second, a median of 10 to 30 ms from commit to delivery, against 0.3 ms
     * with this. The wait after a notification dates from the driver's fix of pgjdbc issue #1547
     * (https://github.com/pgjdbc/pgjdbc/issues/1547, pull request #1548: keep reading while
     * notifications are pending); the hold-back it causes is not reported upstream as far as we know.
     * This pushes that check time out of reach, so the driver waits no more; those are driver
     * internals, so when they change the bus still works, only later, and {@code BusTest} fails.
     * Remove it when a pgjdbc release no longer waits there: {@code BusTest} tells, run without
     * this call.
     *
     * @return whether it could
     */
    static boolean deliverPromptly(Connection c) {
        try {
            Field stream = QueryExecutorBase.class.getDeclaredField("pgStream");
            Field nextWait = PGStream.class.getDeclaredField("nextStreamAvailableCheckTime");
            stream.setAccessible(true);
            nextWait.setAccessible(true);
            nextWait.setLong(stream.get(c.unwrap(BaseConnection.class).getQueryExecutor()), Long.MAX_VALUE);
            return true;
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Notifications may reach this server late: the PostgreSQL driver's internals changed", e);
            return false;
        }
    }

    private static boolean running() {
        return thread == Thread.currentThread();
    }

    private static void listenToNewChannels(Connection c) throws SQLException {
        for (String channel : SUBSCRIBERS.keySet()) {
            if (LISTENING.add(channel)) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                // A subscriber that arrived while connected may have missed something before this LISTEN.
                SUBSCRIBERS.get(channel).forEach(Bus::reconnected);
            }
        }
    }

    private static void dispatch(String channel, String payload) {
        for (Subscriber s : SUBSCRIBERS.getOrDefault(channel, List.of())) {
            try {
                s.onNotification(payload);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Subscriber of " + channel + " failed", e);
            }
        }
    }

    private static void reconnected(Subscriber s) {
        try {
            s.onReconnect();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Subscriber failed to catch up", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
