package com.gempix2.orchestrator.provider;

import java.util.function.Supplier;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * SmallRye Fault Tolerance's circuit breaker around every Gempix2 call of this replica: after mostly
 * failed calls (5000, timeouts, refused connections) it opens and calls stop for {@code delay}; then
 * one probe goes through and its answer closes or reopens it. Answers with other codes count as
 * successes: the upstream is up, it only said no. Tuned with
 * {@code quarkus.fault-tolerance."com.gempix2.orchestrator.provider.UpstreamBreaker/guard".circuit-breaker.*}.
 */
@ApplicationScoped
class UpstreamBreaker {

    static final String NAME = "gempix2";

    private final CircuitBreakerMaintenance maintenance;

    UpstreamBreaker(CircuitBreakerMaintenance maintenance) {
        this.maintenance = maintenance;
    }

    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 30_000, successThreshold = 1,
            failOn = Outage.class)
    @CircuitBreakerName(NAME)
    UpstreamAnswer guard(Supplier<UpstreamAnswer> call) {
        UpstreamAnswer answer = call.get();
        if (answer.outage()) {
            throw new Outage(answer);
        }
        return answer;
    }

    CircuitBreakerState state() {
        return maintenance.currentState(NAME);
    }

    /** Carries an answer that counts as a failure through the breaker. */
    static final class Outage extends RuntimeException {

        private final transient UpstreamAnswer answer;

        Outage(UpstreamAnswer answer) {
            super(answer.message(), null, false, false);
            this.answer = answer;
        }

        UpstreamAnswer answer() {
            return answer;
        }
    }
}
