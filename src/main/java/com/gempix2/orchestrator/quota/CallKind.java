package com.gempix2.orchestrator.quota;

/** What an upstream call is for, which decides the pauses and the reserve that apply to it. */
public enum CallKind {
    /** Starts or prepares a generation (generate, upload): stopped by a credit, key or operator pause. */
    SUBMISSION,
    /** Asks about a running generation: may use the share reserved for polls. */
    POLL
}
