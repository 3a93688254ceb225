package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * What the webhook receiver changes and reads of jobs, by the uuid Gempix2 gave them. The receiver keeps what
 * is its own (delivery ids, webhooks that came early) in the same transaction, under {@link #lockUuid}.
 */
@ApplicationScoped
public class WebhookJobs {

    private final JobRepository jobs;
    private final JobFinisher finisher;
    private final Clock clock;

    WebhookJobs(JobRepository jobs, JobFinisher finisher, Clock clock) {
        this.jobs = jobs;
        this.finisher = finisher;
        this.clock = clock;
    }

    /**
     * Serializes, until the caller's transaction ends, everything done for {@code uuid}: a webhook for it, and the
     * submit answer that stores it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockUuid(String uuid) {
        jobs.lockUuid(uuid);
    }

    /** Applies a webhook to the job with its uuid; empty when no job has that uuid yet (the caller parks it). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<WebhookDecision> apply(IncomingWebhook webhook) {
        Optional<Job> found = jobs.lockByUuid(webhook.uuid());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Job job = found.get();
        job.webhookSeen();
        if (job.status().isTerminal()) {
            return Optional.of(WebhookDecision.ALREADY_FINISHED);
        }
        if (webhook.confirm()) {
            // Not confirmed yet (the job was stored only now): the poller asks Gempix2 at once.
            job.pollScheduled(clock.instant(), false);
            return Optional.of(WebhookDecision.CONFIRMING);
        }
        finisher.finish(job, webhook.outcome());
        return Optional.of(WebhookDecision.APPLIED);
    }

    /** The state of the job Gempix2 knows as {@code uuid}, if it is one of ours yet. */
    @Transactional
    public Optional<JobStatus> statusOfUuid(String uuid) {
        return jobs.findByUuid(uuid).map(Job::status);
    }

    /** A completion could not be confirmed now: poll the job at the next chance instead. */
    @Transactional
    public void pollNow(String uuid) {
        jobs.findByUuid(uuid).filter(job -> job.status() == JobStatus.SUBMITTED)
                .ifPresent(job -> job.pollScheduled(clock.instant(), false));
    }
}
