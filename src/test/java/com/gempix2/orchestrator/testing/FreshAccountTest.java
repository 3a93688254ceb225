package com.gempix2.orchestrator.testing;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import jakarta.inject.Inject;

/**
 * A flow test that starts and ends each test with a fresh Gempix2 account and real time, so that no
 * test inherits another's limits, pauses, faults or clock.
 */
public abstract class FreshAccountTest {

    @Inject
    Budget budget;

    /**
     * Conditions are checked at once, then every 100 ms. Awaitility's default first waits a whole interval, which
     * makes every {@code await()} cost 100 ms even when it already holds, and the flows make hundreds of them.
     */
    @BeforeAll
    static void checkConditionsAtOnce() {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }

    @BeforeEach
    @AfterEach
    void freshAccount() {
        budget.reset();
    }
}
