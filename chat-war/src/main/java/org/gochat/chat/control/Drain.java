package org.gochat.chat.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bounded queue drained by at most one task at a time: the task hands everything queued to the
 * handler in one batch, and keeps going until the queue is empty. Items are therefore handled in
 * the order offered, never by two threads at once, and the executor is asked for a thread once
 * per burst rather than once per item. The hub uses one per room (its events), per room for
 * storing (its messages) and per connection (its outbound frames).
 */
final class Drain<T> {

    /** What {@link #offer} did with an item. */
    enum Offer {
        QUEUED, FULL, CLOSED
    }

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());

    private final Executor executor;
    private final int bound;
    private final Consumer<List<T>> handler;
    private final ArrayDeque<T> queue = new ArrayDeque<>(); // guarded by this
    private boolean running; // guarded by this: a task is draining
    private boolean closed; // guarded by this

    Drain(Executor executor, int bound, Consumer<List<T>> handler) {
        this.executor = executor;
        this.bound = bound;
        this.handler = handler;
    }

    Offer offer(T item) {
        return offer(item, false);
    }

    /**
     * The same, but when no task is draining, this thread handles the first batch itself: no hand-off
     * to the executor, no wait for one of its threads. What is queued meanwhile goes on in a task.
     */
    Offer offerHere(T item) {
        return offer(item, true);
    }

    private Offer offer(T item, boolean here) {
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (queue.size() >= bound) {
                return Offer.FULL;
            }
            queue.add(item);
            if (running) {
                return Offer.QUEUED;
            }
            running = true;
        }
        if (here) {
            List<T> batch = nextBatch(); // null only when closed meanwhile
            if (batch == null) {
                return Offer.QUEUED;
            }
            handle(batch);
            if (!hasMore()) {
                return Offer.QUEUED;
            }
        }
        start();
        return Offer.QUEUED;
    }

    /** Drops what is queued and refuses everything from now on. */
    synchronized void close() {
        closed = true;
        queue.clear();
    }

    synchronized int size() {
        return queue.size();
    }

    /** Waits until nothing is queued or being handled; false when the deadline (a nanoTime) passed first. */
    synchronized boolean awaitIdle(long deadline) throws InterruptedException {
        while (running || !queue.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void start() {
        try {
            executor.execute(this::run);
        } catch (RejectedExecutionException e) { // the server is stopping
            LOG.log(Level.FINE, "drain not started", e);
            close();
            synchronized (this) {
                idle();
            }
        }
    }

    private void run() {
        for (List<T> batch = nextBatch(); batch != null; batch = nextBatch()) {
            handle(batch);
        }
    }

    /** Everything queued, taken off the queue; null (and no longer running) when there is nothing. */
    private synchronized List<T> nextBatch() {
        if (!hasMore()) {
            return null;
        }
        List<T> batch = new ArrayList<>(queue);
        queue.clear();
        return batch;
    }

    /** Whether more is queued; when nothing is, no longer running. */
    private synchronized boolean hasMore() {
        if (queue.isEmpty() || closed) {
            idle();
            return false;
        }
        return true;
    }

    private void idle() {
        running = false;
        notifyAll(); // awaitIdle
    }

    private void handle(List<T> batch) {
        try {
            handler.accept(batch);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a drain's handler failed", e);
        }
    }
}
