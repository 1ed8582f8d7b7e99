package org.gochat.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drain's promises: items are handled in the order offered, one batch at a time, never by two
 * threads at once; {@code offerHere} handles the first batch on the caller's thread when no task is
 * draining, and leaves the rest to a task; a full queue and a closed one refuse.
 */
class DrainTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "drain-task"));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** What the handler saw: the item and the thread that handled it. */
    private record Handled(int item, String thread) {
    }

    @Test
    void offerHereHandlesTheFirstBatchOnTheCallersThreadWhenIdle() throws Exception {
        List<Handled> handled = new CopyOnWriteArrayList<>();
        Drain<Integer> drain = new Drain<>(executor, 10, batch -> batch.forEach(
                i -> handled.add(new Handled(i, Thread.currentThread().getName()))));
        assertEquals(Drain.Offer.QUEUED, drain.offerHere(1));
        assertEquals(List.of(new Handled(1, Thread.currentThread().getName())), handled,
                "handled before offerHere returned, on this thread");
        assertTrue(drain.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));

        assertEquals(Drain.Offer.QUEUED, drain.offer(2));
        assertTrue(drain.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
        assertEquals(new Handled(2, "drain-task"), handled.get(1), "offer hands off to a task");
    }

    @Test
    void whatIsQueuedDuringTheCallersBatchGoesOnInATaskInOrder() throws Exception {
        List<Handled> handled = new CopyOnWriteArrayList<>();
        CountDownLatch inFirstBatch = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        Drain<Integer> drain = new Drain<>(executor, 100, batch -> {
            for (int i : batch) {
                handled.add(new Handled(i, Thread.currentThread().getName()));
                if (i == 0) {
                    inFirstBatch.countDown();
                    await(othersQueued);
                }
            }
        });
        Thread caller = new Thread(() -> drain.offerHere(0), "caller");
        caller.start();
        assertTrue(inFirstBatch.await(5, TimeUnit.SECONDS));
        for (int i = 1; i <= 20; i++) {
            // the caller is draining: these are only queued, whichever way they are offered
            assertEquals(Drain.Offer.QUEUED, i % 2 == 0 ? drain.offerHere(i) : drain.offer(i));
        }
        assertEquals(1, handled.size(), "nothing handled while the caller's batch runs, not even by offerHere");
        othersQueued.countDown();
        caller.join(5_000);
        assertTrue(drain.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));

        assertEquals(21, handled.size());
        for (int i = 0; i <= 20; i++) {
            assertEquals(i, handled.get(i).item(), "in the order offered");
        }
        assertEquals("caller", handled.get(0).thread());
        assertTrue(handled.subList(1, 21).stream().allMatch(h -> h.thread().equals("drain-task")),
                "the rest in a task, not on the caller's thread: " + handled);
    }

    @Test
    void aFullQueueAndAClosedOneRefuse() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        Drain<Integer> drain = new Drain<>(executor, 2, batch -> {
            busy.countDown();
            await(release);
        });
        drain.offer(0);
        assertTrue(busy.await(5, TimeUnit.SECONDS));
        assertEquals(Drain.Offer.QUEUED, drain.offer(1));
        assertEquals(Drain.Offer.QUEUED, drain.offerHere(2));
        assertEquals(Drain.Offer.FULL, drain.offerHere(3));
        assertEquals(Drain.Offer.FULL, drain.offer(3));
        drain.close();
        assertEquals(Drain.Offer.CLOSED, drain.offerHere(4));
        assertEquals(Drain.Offer.CLOSED, drain.offer(4));
        release.countDown();
        assertTrue(drain.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
