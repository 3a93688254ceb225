package com.gempix2.orchestrator.poll;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether Gempix2's webhooks arrive, in the health group {@code upstream} only: with webhooks stopped polls
 * still bring every outcome, so readiness must not change.
 */
@HealthGroup("upstream")
@ApplicationScoped
class WebhookHealthCheck implements HealthCheck {

    private final WebhookWatch watch;

    WebhookHealthCheck(WebhookWatch watch) {
        this.watch = watch;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("webhooks").status(!watch.stopped())
                .withData("stopped", watch.stopped())
                .withData("stoppedAfterPolledOutcomes", watch.stoppedAfter())
                .build();
    }
}
