package com.gempix2.orchestrator.support;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What one component has seen of the database being away: when the last outage began, when it last failed to reach
 * the database, and whether it has reached it since. A component that takes over the leases of others asks this
 * first: a lease that ran out while nobody could reach the database says nothing about its holder being dead. The
 * start counts as an outage, since what happened before it is not known.
 */
public final class DatabaseOutages {

    private final Clock clock;
    private Instant began;
    private Instant lastLost;
    private boolean reachedSince;

    public DatabaseOutages(Clock clock) {
        this.clock = clock;
        this.began = clock.instant();
        this.lastLost = began;
    }

    /** Notes {@code failure} when it is a failure to reach the database; true if it is. */
    public boolean noteIfLost(Throwable failure) {
        if (!unreachable(failure)) {
            return false;
        }
        Instant now = clock.instant();
        synchronized (this) {
            if (reachedSince) {
                began = now;
                reachedSince = false;
            }
            lastLost = now;
        }
        return true;
    }

    /** The database answered. */
    public synchronized void noteReached() {
        reachedSince = true;
    }

    /** Whether the database was away (or this component started) less than {@code window} ago. */
    public synchronized boolean within(Duration window) {
        return clock.instant().isBefore(lastLost.plus(window));
    }

    /** When the last outage began (or this component started). */
    public synchronized Instant began() {
        return began;
    }

    /** A failure to reach PostgreSQL (SQL state class 08, or no connection to be had from the pool), not of a statement. */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof java.net.ConnectException) {
                return true;
            }
            if (cause instanceof SQLException sql && (sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                    || String.valueOf(sql.getMessage()).startsWith("Acquisition timeout"))) {
                return true;
            }
        }
        return false;
    }
}
