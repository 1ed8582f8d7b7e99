package org.gochat.chat.control;

import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The threads that send to connections: their outbound queues' drains, and their closes. Each
 * message means one task per member; a managed executor would capture and apply the application's
 * thread context for each of them, which costs more than the socket write itself, so these are
 * plain threads of the server's {@link ManagedThreadFactory}. The pool is small
 * (GOCHAT_SEND_THREADS, the number of cores by default): every thread woken for a message costs more
 * than a few more sends on a thread already running. So that clients that stop reading cannot hold
 * it, it gets one thread more for each send or close blocked too long (see
 * {@link #standInForBlockedSends}).
 */
@ApplicationScoped
public class SendPool implements Executor {

    /** A send (or close) blocked this long is a client not reading: the pool gets a thread in its place. */
    private static final long BLOCKED_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_STAND_INS = 256;

    @Resource
    ManagedThreadFactory threadFactory;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** Default: the number of cores, at least 2. */
    @Inject
    @ConfigProperty(name = "GOCHAT_SEND_THREADS")
    Optional<Integer> configuredThreads;

    private int threads;
    private ThreadPoolExecutor pool;
    /** The connections that use the pool: from their start until they have left and hold none of its threads. */
    private final Set<Member> users = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> standIns;

    @PostConstruct
    void start() {
        threads = configuredThreads.orElse(Math.max(2, Runtime.getRuntime().availableProcessors()));
        // Unbounded queue: the pool runs exactly its core size of threads, which the stand-ins adjust.
        pool = new ThreadPoolExecutor(threads, threads + MAX_STAND_INS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threadFactory);
        standIns = scheduler.scheduleAtFixedRate(this::standInForBlockedSends, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Creates this bean, and so starts the pool and its stand-in timer, when the application starts. */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // @PostConstruct did the work
    }

    /** Ends the threads (a send under way is interrupted). */
    @PreDestroy
    void stop() {
        standIns.cancel(false);
        pool.shutdownNow();
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** The threads the pool has now. */
    public int size() {
        return pool.getPoolSize();
    }

    /** A new connection that will send on this pool: watched until it has left and holds none of its threads. */
    void serve(Member m) {
        users.add(m);
    }

    /**
     * Gives the pool one thread more for each send or close blocked over 100 ms (its client is not
     * reading; the hub's sweep closes it with 1013 at the send timeout, and that close waits for the
     * client too), and takes them back as those end, so the other connections' frames never wait
     * behind such clients.
     */
    private void standInForBlockedSends() {
        long now = System.nanoTime();
        int blocked = 0;
        // One pass: it runs ten times a second over every connection of the node, idle ones included.
        for (Iterator<Member> i = users.iterator(); i.hasNext();) {
            Member m = i.next();
            if (m.isDone()) {
                i.remove();
            } else {
                blocked += m.blockedLongerThan(BLOCKED_NANOS, now);
            }
        }
        int size = threads + Math.min(blocked, MAX_STAND_INS);
        if (pool.getCorePoolSize() != size) {
            pool.setCorePoolSize(size); // a smaller size ends the extra threads as they go idle
        }
    }
}
