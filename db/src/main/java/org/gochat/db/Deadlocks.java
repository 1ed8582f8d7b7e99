package org.gochat.db;

import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Runs a transaction again when PostgreSQL ended it to break a deadlock (SQLSTATE 40P01): the
 * other transaction went on, and this one, run again, sees what that one did. For transactions
 * that lock rows whose set can grow while they wait (an account's neighbours), so that no lock
 * order can rule deadlocks out.
 */
public final class Deadlocks {

    private static final Logger LOG = Logger.getLogger(Deadlocks.class.getName());
    private static final String DEADLOCK_DETECTED = "40P01";
    private static final int ATTEMPTS = 3;

    private Deadlocks() {
    }

    /** Runs the transaction (a call that begins and ends one), up to three times while it ends in a deadlock. */
    public static void retry(Runnable transaction) {
        for (int attempt = 1;; attempt++) {
            try {
                transaction.run();
                return;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !causedByDeadlock(e)) {
                    throw e;
                }
                LOG.fine(() -> "Deadlock broken by ending this transaction; running it again: " + e);
            }
        }
    }

    static boolean causedByDeadlock(Throwable e) {
        for (int depth = 0; e != null && depth < 20; e = e.getCause(), depth++) {
            if (e instanceof SQLException sql && DEADLOCK_DETECTED.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
