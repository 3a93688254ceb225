package com.gempix2.orchestrator.job;

import java.time.Instant;

/**
 * What intake hands over to create a job: the request's fields as far as they could be read.
 * A rejected request may lack any of them but the requestId.
 */
public record JobSpec(
        String requestId,
        String recordKey,
        String payloadHash,
        String generationType,
        String prompt,
        String aspectRatio,
        String imageUrl,
        String imageKey,
        Priority priority,
        String tenant,
        Instant deadline,
        String metadataJson,
        SourceImage sourceImage) {
}
