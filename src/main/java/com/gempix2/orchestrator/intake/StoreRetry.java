package com.gempix2.orchestrator.intake;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import com.gempix2.orchestrator.support.Backoff;

import io.quarkus.logging.Log;

/**
 * Retries a database write until it succeeds: a database outage must hold the partition (the offset
 * stays uncommitted), never dead-letter a good message. A write the database refuses for its content
 * (SQLState class 22, data, or 23, integrity) will never succeed, and is not retried: it would stall the
 * partition for good.
 */
final class StoreRetry {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    private StoreRetry() {
    }

    /** The database refused the content itself: trying again cannot help. */
    static final class NotStorable extends RuntimeException {

        NotStorable(String sqlState, Throwable cause) {
            super("the database refuses its content (SQLState " + sqlState + ")", cause);
        }
    }

    /**
     * The write's result; empty only when the thread is interrupted (shutting down) before it succeeded.
     *
     * @throws NotStorable when the database refuses the content
     */
    static <T> Optional<T> untilStored(String what, Supplier<T> write) {
        return untilStored(what, write, Integer.MAX_VALUE);
    }

    /** The write did not succeed in the attempts it was given (and its content was not refused). */
    static final class GaveUp extends RuntimeException {

        GaveUp(String what, int attempts, Throwable cause) {
            super(what + " failed " + attempts + " times", cause);
        }
    }

    /**
     * As {@link #untilStored(String, Supplier)}, for at most {@code attempts} attempts.
     *
     * @throws GaveUp when the last attempt failed too
     */
    static <T> Optional<T> untilStored(String what, Supplier<T> write, int attempts) {
        for (int attempt = 1;; attempt++) {
            try {
                return Optional.of(write.get());
            } catch (RuntimeException e) {
                String refused = contentRefused(e);
                if (refused != null) {
                    throw new NotStorable(refused, e);
                }
                if (attempt >= attempts) {
                    throw new GaveUp(what, attempt, e);
                }
                Duration wait = BACKOFF.delay(attempt, Math::random);
                Log.warnf("%s failed (attempt %d), retrying in %d ms: %s", what, attempt, wait.toMillis(),
                        e.getMessage());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    private static String contentRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
