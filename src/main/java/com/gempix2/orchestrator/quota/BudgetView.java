package com.gempix2.orchestrator.quota;

import java.time.Instant;

/**
 * The shared budget as last read: for health checks, metrics and the operator API.
 *
 * @param upstreamLimit the X-RateLimit-Limit last reported, or null
 * @param effectiveLimit the smaller of the configured limit and the upstream's X-RateLimit-Limit
 * @param used permits taken in the current window, by every replica
 * @param submissionsPauseReason why submissions are paused (1001, 1002, an operator), or null
 */
public record BudgetView(
        int configuredLimit,
        Integer upstreamLimit,
        int effectiveLimit,
        long used,
        Instant callsPausedUntil,
        String callsPauseReason,
        String submissionsPauseReason,
        Instant nextProbeAt,
        boolean pausedByOperator) {

    static final BudgetView UNKNOWN = new BudgetView(0, null, 0, 0, null, null, null, null, false);

    public boolean submissionsPaused() {
        return submissionsPauseReason != null;
    }

    public boolean callsPaused(Instant now) {
        return callsPausedUntil != null && callsPausedUntil.isAfter(now);
    }
}
