package com.gempix2.orchestrator.job;

import java.util.EnumSet;
import java.util.Set;

/** The life of a job, and which moves between states are allowed. */
public enum JobStatus {

    /** Stored, waiting for quota. */
    QUEUED,
    /** Claimed by a dispatcher; the submit call is in flight until the lease ends. */
    SUBMITTING,
    /** Gempix2 accepted it and gave a uuid; waiting for a webhook or a poll. */
    SUBMITTED, COMPLETED, FAILED, REJECTED, EXPIRED, CANCELLED;

    private static final Set<JobStatus> TERMINAL = EnumSet.of(COMPLETED, FAILED, REJECTED, EXPIRED, CANCELLED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    public boolean canMoveTo(JobStatus next) {
        return switch (this) {
            // FAILED: its source image could not be downloaded, however often that was tried.
            case QUEUED -> next == SUBMITTING || next == REJECTED || next == EXPIRED || next == CANCELLED
                    || next == FAILED;
            // Back to QUEUED on retry; straight to an outcome when the upstream answers in the submit call itself.
            case SUBMITTING -> next == QUEUED || next == SUBMITTED || next == FAILED || next == REJECTED
                    || next == COMPLETED || next == CANCELLED;
            case SUBMITTED -> next == COMPLETED || next == FAILED || next == CANCELLED;
            default -> false;
        };
    }

    /** The status word of the result event: {@code completed}, {@code failed}, ... */
    public String wireName() {
        return name().toLowerCase();
    }
}
