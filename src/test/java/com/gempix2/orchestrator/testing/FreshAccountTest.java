package com.gempix2.orchestrator.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import jakarta.inject.Inject;

/**
 * A flow test that starts and ends each test with a fresh Gempix2 account and real time, so that no
 * test inherits another's limits, pauses, faults or clock.
 */
public abstract class FreshAccountTest {

    @Inject
    Budget budget;

    @BeforeEach
    @AfterEach
    void freshAccount() {
        budget.reset();
    }
}
