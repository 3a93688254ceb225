package com.gempix2.orchestrator.support;

import java.time.Clock;
import java.time.Duration;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The service's one source of time, so that tests can move it instead of sleeping. */
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        // Millisecond ticks: what PostgreSQL stores reads back equal to what was written.
        return Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }
}
