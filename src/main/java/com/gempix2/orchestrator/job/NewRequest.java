package com.gempix2.orchestrator.job;

/**
 * A request message to be stored: valid, to be queued; or breaking a rule, to be stored with its
 * {@code rejected} result.
 */
public record NewRequest(JobSpec spec, Outcome rejection) {

    public static NewRequest valid(JobSpec spec) {
        return new NewRequest(spec, null);
    }

    /** {@code message} starts with the field's name. */
    public static NewRequest invalid(JobSpec spec, int code, String message) {
        return new NewRequest(spec, Outcome.rejected(code, message));
    }
}
