package com.gempix2.orchestrator.provider;

import java.time.Clock;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import com.gempix2.orchestrator.quota.BudgetView;
import com.gempix2.orchestrator.quota.RateBudget;

import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gempix2's state as seen from here, in the health group {@code upstream} only: an upstream outage
 * or pause must never take this replica (and its webhook receiver) out of readiness.
 */
@HealthGroup("upstream")
@ApplicationScoped
class UpstreamHealthCheck implements HealthCheck {

    /** Consecutive unanswered calls after which the upstream counts as unreachable. */
    private static final int UNREACHABLE_AFTER = 3;

    private final UpstreamState state;
    private final UpstreamBreaker breaker;
    private final RateBudget budget;
    private final Clock clock;

    UpstreamHealthCheck(UpstreamState state, UpstreamBreaker breaker, RateBudget budget, Clock clock) {
        this.state = state;
        this.breaker = breaker;
        this.budget = budget;
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        BudgetView view = budget.view();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("gempix2").up()
                .withData("limit", view.effectiveLimit())
                .withData("usedInWindow", view.used());
        if (view.submissionsPaused()) {
            response.down().withData("paused", true).withData("reason", view.submissionsPauseReason());
            if (view.nextProbeAt() != null) {
                response.withData("nextProbeAt", view.nextProbeAt().toString());
            }
        }
        if (view.callsPaused(clock.instant())) {
            response.withData("callsPausedUntil", view.callsPausedUntil().toString())
                    .withData("callsPauseReason", view.callsPauseReason());
        }
        CircuitBreakerState circuit = breaker.state();
        response.withData("circuitBreaker", circuit.name().toLowerCase());
        if (circuit == CircuitBreakerState.OPEN) {
            response.down();
        }
        int failures = state.consecutiveFailures();
        response.withData("consecutiveFailures", failures);
        if (failures >= UNREACHABLE_AFTER) {
            response.down().withData("reachable", false);
        }
        return response.build();
    }
}
