package com.gempix2.orchestrator.intake;

import com.gempix2.orchestrator.job.JobSpec;

/** What a request message turned out to be. */
sealed interface ParsedRequest {

    /** Cannot be answered on the results topic (not JSON, no usable requestId, too large). */
    record Unreadable(String reason) implements ParsedRequest {
    }

    /**
     * Readable but breaks a rule; {@code message} starts with the field's name, {@code code} is 1000 (a
     * rule of the contract) or 9005 (a source image that cannot be used).
     */
    record Invalid(JobSpec spec, int code, String message) implements ParsedRequest {
    }

    record Valid(JobSpec spec) implements ParsedRequest {
    }
}
