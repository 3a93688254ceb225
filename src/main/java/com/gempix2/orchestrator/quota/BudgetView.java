package com.gempix2.orchestrator.quota;

import java.time.Instant;

/**
 * The shared budget as last read: for health checks, metrics and the operator API.
 *
 * @param learned the window is Gempix2's, learned from its rate-limit headers; false while the configured
 *        limit and window (the prior) apply
 * @param upstreamLimit the X-RateLimit-Limit last reported, or null
 * @param effectiveLimit the limit in force: Gempix2's once learned, else the configured one
 * @param used calls made in the current window, by every replica
 * @param left calls still allowed in the current window
 * @param windowResetsAt the X-RateLimit-Reset that bounds the current window, or null
 * @param windowSeconds the window's length as learned (the longest time to a reset seen), or the configured one
 * @param windowAligned whether the resets seen fall on multiples of the window's length since the epoch, or null
 * @param windowProbePermit the permit of the call sent alone to learn a new window, while it awaits its answer
 * @param submissionsPauseReason why submissions are paused (1001, 1002, an operator), or null
 */
public record BudgetView(
        boolean learned,
        int configuredLimit,
        Integer upstreamLimit,
        int effectiveLimit,
        long used,
        long left,
        Instant windowResetsAt,
        long windowSeconds,
        Boolean windowAligned,
        Long windowProbePermit,
        int answersWithoutHeaders,
        Instant callsPausedUntil,
        String callsPauseReason,
        String submissionsPauseReason,
        Instant nextProbeAt,
        boolean pausedByOperator) {

    static final BudgetView UNKNOWN = new BudgetView(false, 0, null, 0, 0, 0, null, 0, null, null, 0, null, null, null,
            null, false);

    public boolean submissionsPaused() {
        return submissionsPauseReason != null;
    }

    public boolean callsPaused(Instant now) {
        return callsPausedUntil != null && callsPausedUntil.isAfter(now);
    }
}
