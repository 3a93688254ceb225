package com.gempix2.orchestrator.provider;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this replica knows of the upstream: whether calls or submissions are paused, and until when,
 * and whether it answers at all.
 */
@Startup
@ApplicationScoped
public class UpstreamState {

    /** A pause and its cause, as the health check and logs show it. */
    public record Pause(Instant until, String reason) {
    }

    private final Clock clock;
    private final AtomicReference<Pause> callsPaused = new AtomicReference<>();
    private final AtomicReference<Pause> submissionsPaused = new AtomicReference<>();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    UpstreamState(Clock clock, MeterRegistry registry) {
        this.clock = clock;
        Gauge.builder("gempix2.upstream.paused", this, s -> s.submissionPause().isPresent() ? 1 : 0)
                .description("1 while submissions to Gempix2 are paused (rate limit, credits or key)")
                .register(registry);
    }

    /** Every call waits until then (1003, or no calls remaining until the reset). */
    void pauseCalls(Instant until, String reason) {
        callsPaused.accumulateAndGet(new Pause(until, reason), UpstreamState::later);
    }

    /** Submissions wait until then (1001, 1002); polls of running jobs go on. */
    void pauseSubmissions(Instant until, String reason) {
        submissionsPaused.accumulateAndGet(new Pause(until, reason), UpstreamState::later);
    }

    /** Ends a pause of submissions early: the probe they were waiting for succeeded. */
    void resumeSubmissions() {
        submissionsPaused.set(null);
    }

    void answered() {
        consecutiveFailures.set(0);
    }

    void unreachable() {
        consecutiveFailures.incrementAndGet();
    }

    public Optional<Pause> callPause() {
        return active(callsPaused.get());
    }

    /** A pause of submissions, from a call pause or a submission pause, whichever ends later. */
    public Optional<Pause> submissionPause() {
        Optional<Pause> calls = callPause();
        Optional<Pause> submissions = active(submissionsPaused.get());
        if (calls.isEmpty()) {
            return submissions;
        }
        return submissions.map(s -> later(s, calls.get())).or(() -> calls);
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    private Optional<Pause> active(Pause pause) {
        return Optional.ofNullable(pause).filter(p -> p.until().isAfter(clock.instant()));
    }

    private static Pause later(Pause a, Pause b) {
        if (a == null) {
            return b;
        }
        return b.until().isAfter(a.until()) ? b : a;
    }
}
