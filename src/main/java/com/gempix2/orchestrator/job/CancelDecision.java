package com.gempix2.orchestrator.job;

/** What a cancel message did. */
public enum CancelDecision {
    /** The job had not been submitted: it is cancelled and no call is spent on it. */
    CANCELLED,
    /** The job is in flight at Gempix2: its outcome will be published as cancelled. */
    CANCEL_PENDING,
    /** The job had its result already: nothing changed. */
    ALREADY_FINISHED,
    /** No such request yet: it will be cancelled when it arrives. */
    CANCELLED_IN_ADVANCE
}
