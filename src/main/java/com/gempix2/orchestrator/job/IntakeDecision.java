package com.gempix2.orchestrator.job;

/** What storing a request did. */
public enum IntakeDecision {
    /** A new job, queued for submission. */
    QUEUED,
    /** A new job whose cancel message came first: cancelled at once, its result is in the outbox. */
    CANCELLED,
    /** A new job, rejected at once: its result is in the outbox. */
    REJECTED,
    /** The requestId was seen before with the same payload: nothing to do. */
    DUPLICATE_IGNORED,
    /** The requestId was seen before with a different payload. */
    DUPLICATE_CONFLICT
}
