package com.gempix2.orchestrator.provider;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/** Whether Gempix2 answers at all, as this replica sees it: the count of calls in a row that got no answer. */
@ApplicationScoped
public class UpstreamState {

    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    void answered() {
        consecutiveFailures.set(0);
    }

    void unreachable() {
        consecutiveFailures.incrementAndGet();
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }
}
