package com.gempix2.orchestrator.quota;

import java.time.Instant;

/** The answer to a request for one upstream call: granted (the call may be made now), or not before {@code retryAt}. */
public sealed interface Permit {

    /**
     * May call; {@code id} orders permits, {@code takenAt} is when it was granted, {@code probe} marks the one
     * submission let through a pause of submissions, {@code windowProbe} the one call sent alone to learn what
     * Gempix2's rate window holds.
     */
    record Granted(long id, Instant takenAt, boolean probe, boolean windowProbe) implements Permit {
    }

    /**
     * May not call before {@code retryAt}, because of {@code reason}; {@code cause} is its metric tag
     * ({@code budget}, {@code upstream-remaining}, {@code window-probe}, {@code calls-paused},
     * {@code submissions-paused}, {@code circuit-open}).
     */
    record Denied(Instant retryAt, String reason, String cause) implements Permit {
    }
}
