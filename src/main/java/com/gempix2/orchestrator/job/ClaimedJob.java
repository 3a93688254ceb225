package com.gempix2.orchestrator.job;

/**
 * A job a dispatcher holds the lease of, with what the submit call needs; {@code attempt} identifies the
 * lease; {@code needsSource} says its source image must be uploaded first.
 */
public record ClaimedJob(
        long id,
        String requestId,
        String generationType,
        String prompt,
        String aspectRatio,
        String imageUrl,
        String imageKey,
        boolean needsSource,
        int attempt) {

    static ClaimedJob of(Job job) {
        return new ClaimedJob(job.id(), job.requestId(), job.generationType(), job.prompt(), job.aspectRatio(),
                job.imageUrl(), job.imageKey(), job.needsSource(), job.attempts());
    }
}
