package com.gempix2.orchestrator.testing;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * A fresh Gempix2 account between tests: the simulator reset, the clock back to real time, the circuit breaker
 * closed and empty, and the shared
 * rate budget forgetting what one test taught it about the upstream (a smaller limit, a pause), so that
 * it cannot hold up the next.
 */
@ApplicationScoped
public class Budget {

    private final EntityManager em;
    private final MutableClock clock;
    private final CircuitBreakerMaintenance breakers;

    Budget(EntityManager em, MutableClock clock, CircuitBreakerMaintenance breakers) {
        this.em = em;
        this.clock = clock;
        this.breakers = breakers;
    }

    public void reset() {
        Simulator.reset();
        clock.reset();
        // Nor the circuit breaker's memory of another test's failed calls.
        breakers.resetAll();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("delete from rate_permit").executeUpdate();
            em.createNativeQuery("""
                    update quota_state set upstream_limit = null, upstream_remaining = null,
                    remaining_after_permit = null, remaining_until = null, calls_paused_until = null,
                    calls_pause_reason = null, submissions_pause_reason = null, next_probe_at = null,
                    paused_by_operator = false, remaining_permit_taken_at = null, window_probe_permit = null,
                    window_probe_at = null, window_seconds = null, window_aligned = null,
                    answers_without_headers = 0""").executeUpdate();
        });
    }
}
