package com.gempix2.orchestrator.result;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** The value of a record on the results topic: the one terminal answer to a request. */
public record ResultEvent(
        String requestId,
        String status,
        String uuid,
        String imageUrl,
        Error error,
        int attempts,
        String completedVia,
        @JsonRawValue String metadata,
        Instant receivedAt,
        Instant submittedAt,
        Instant finishedAt) {

    /** Why a job did not complete: Gempix2's code where it gave one, else a 9xxx code of the service. */
    public record Error(int code, String message) {
    }
}
