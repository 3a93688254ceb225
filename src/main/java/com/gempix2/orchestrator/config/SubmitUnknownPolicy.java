package com.gempix2.orchestrator.config;

/** What to do with a submission whose outcome is unknown (timeout or broken connection after sending). */
public enum SubmitUnknownPolicy {
    /** Submit again: a lost request is worse than a second charge. */
    RESUBMIT,
    /** Fail the job with 9004. */
    FAIL
}
