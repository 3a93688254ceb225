package com.gempix2.orchestrator.provider;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

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

    UpstreamHealthCheck(UpstreamState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("gempix2").up();
        state.submissionPause().ifPresent(pause -> response.down()
                .withData("paused", true)
                .withData("pausedUntil", pause.until().toString())
                .withData("reason", pause.reason()));
        int failures = state.consecutiveFailures();
        response.withData("consecutiveFailures", failures);
        if (failures >= UNREACHABLE_AFTER) {
            response.down().withData("reachable", false);
        }
        return response.build();
    }
}
