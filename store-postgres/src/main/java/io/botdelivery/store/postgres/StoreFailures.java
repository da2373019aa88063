package io.botdelivery.store.postgres;

import io.botdelivery.core.spi.RetryStoreException;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** Tells "PostgreSQL is unreachable" ({@link RetryStoreException}, retry later) from bugs and misconfiguration. */
final class StoreFailures {

    /**
     * SQLSTATEs that mean the operation did not happen (or its outcome is unknown) for reasons outside the store:
     * connection exceptions (class 08), the server shutting down or refusing connections (57P01–57P03), too many
     * connections (53300), and a transaction rolled back by deadlock or serialization failure (40001, 40P01).
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");

    private StoreFailures() {
    }

    static RuntimeException translate(String operation, RuntimeException e) {
        if (isUnavailable(e)) {
            return new RetryStoreException("PostgreSQL could not " + operation + ": " + rootMessage(e)
                    + " (the operation did not happen or its outcome is unknown; retry later)", e);
        }
        return new IllegalStateException("store-postgres failed to " + operation + ": " + rootMessage(e), e);
    }

    static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || UNAVAILABLE_STATES.contains(sql.getSQLState()))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Deadlock (40P01) or serialization failure (40001): the statement was given up and changed nothing. */
    static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
