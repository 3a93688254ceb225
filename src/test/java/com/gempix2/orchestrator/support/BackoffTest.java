package com.gempix2.orchestrator.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60));

    @Test
    void ceilingDoublesPerAttemptUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(2), backoff.ceiling(1));
        assertEquals(Duration.ofSeconds(4), backoff.ceiling(2));
        assertEquals(Duration.ofSeconds(32), backoff.ceiling(5));
        assertEquals(Duration.ofSeconds(60), backoff.ceiling(6));
        assertEquals(Duration.ofSeconds(60), backoff.ceiling(1000));
    }

    @Test
    void jitterKeepsEveryDelayBetweenHalfAndAllOfTheCeiling() {
        for (int attempt = 1; attempt <= 8; attempt++) {
            Duration ceiling = backoff.ceiling(attempt);
            assertEquals(ceiling.dividedBy(2), backoff.delay(attempt, () -> 0.0));
            Duration top = backoff.delay(attempt, () -> 0.999_999);
            assertTrue(top.compareTo(ceiling) <= 0 && top.compareTo(ceiling.multipliedBy(9).dividedBy(10)) > 0);
        }
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
