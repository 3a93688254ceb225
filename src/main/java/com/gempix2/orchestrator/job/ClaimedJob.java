package com.gempix2.orchestrator.job;

/** A job a dispatcher holds the lease of, with what the submit call needs; {@code attempt} identifies the lease. */
public record ClaimedJob(
        long id,
        String requestId,
        String generationType,
        String prompt,
        String aspectRatio,
        String imageUrl,
        String imageKey,
        int attempt) {

    static ClaimedJob of(Job job) {
        return new ClaimedJob(job.id(), job.requestId(), job.generationType(), job.prompt(), job.aspectRatio(),
                job.imageUrl(), job.imageKey(), job.attempts());
    }
}
