package com.gempix2.orchestrator.job;

/** The end of a job: its terminal status and what the result event says about it. */
public record Outcome(JobStatus status, String imageUrl, Integer errorCode, String errorMessage, CompletedVia via) {

    public Outcome {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("not a terminal status: " + status);
        }
    }

    public static Outcome completed(String imageUrl, CompletedVia via) {
        return new Outcome(JobStatus.COMPLETED, imageUrl, null, null, via);
    }

    public static Outcome failed(int code, String message, CompletedVia via) {
        return new Outcome(JobStatus.FAILED, null, code, message, via);
    }

    public static Outcome rejected(int code, String message) {
        return new Outcome(JobStatus.REJECTED, null, code, message, null);
    }

    /** Cancelled by a cancel message; {@code what} says how far the job had come. */
    public static Outcome cancelled(String what, CompletedVia via) {
        return new Outcome(JobStatus.CANCELLED, null, ErrorCodes.CANCELLED, what, via);
    }

    public static Outcome expired() {
        return new Outcome(JobStatus.EXPIRED, null, ErrorCodes.DEADLINE_EXPIRED,
                "deadline passed before the request could be submitted", null);
    }
}
