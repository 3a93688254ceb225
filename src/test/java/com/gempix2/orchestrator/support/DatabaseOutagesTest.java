package com.gempix2.orchestrator.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Which failures mean the database is away, and for how long a component keeps that in mind. */
class DatabaseOutagesTest {

    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final Clock clock = new Clock() {

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void connectionFailuresCountStatementFailuresDoNot() {
        assertTrue(DatabaseOutages.unreachable(new RuntimeException(new SQLException("refused", "08001"))));
        assertTrue(DatabaseOutages.unreachable(new IllegalStateException(new SQLTransientConnectionException("x"))));
        assertTrue(DatabaseOutages.unreachable(new RuntimeException(new SQLException(
                "Acquisition timeout while waiting for new connection"))));
        assertFalse(DatabaseOutages.unreachable(new RuntimeException(new SQLException("duplicate key", "23505"))));
        assertFalse(DatabaseOutages.unreachable(new IllegalStateException("a bug")));
    }

    @Test
    void anOutageIsRememberedForTheWindowAfterItsLastFailureAndBeginsAtItsFirst() {
        DatabaseOutages outages = new DatabaseOutages(clock);
        assertTrue(outages.within(Duration.ofSeconds(15)), "the start counts as an outage");
        now = now.plusSeconds(20);
        assertFalse(outages.within(Duration.ofSeconds(15)));

        outages.noteReached();
        Instant first = now;
        assertTrue(outages.noteIfLost(new RuntimeException(new SQLException("refused", "08006"))));
        now = now.plusSeconds(30);
        assertTrue(outages.noteIfLost(new RuntimeException(new SQLException("refused", "08006"))));
        assertEquals(first, outages.began(), "one outage until the database answers again");
        now = now.plusSeconds(10);
        assertTrue(outages.within(Duration.ofSeconds(15)));
        assertFalse(outages.noteIfLost(new IllegalStateException("a bug")));
        now = now.plusSeconds(10);
        assertFalse(outages.within(Duration.ofSeconds(15)));
    }
}
