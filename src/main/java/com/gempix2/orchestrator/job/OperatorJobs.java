package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

/** What the operator API reads of jobs, and the one change of its own: a retry now. Each method is one transaction. */
@ApplicationScoped
public class OperatorJobs {

    private final JobRepository jobs;
    private final Clock clock;
    private final Event<JobsQueued> due;

    OperatorJobs(JobRepository jobs, Clock clock, Event<JobsQueued> due) {
        this.jobs = jobs;
        this.clock = clock;
        this.due = due;
    }

    @Transactional
    public Optional<Job> find(String requestId) {
        return jobs.findByRequestId(requestId);
    }

    /** The {@code limit} newest jobs in {@code status}. */
    @Transactional
    public List<Job> newest(JobStatus status, int limit) {
        return jobs.newestIn(status, limit);
    }

    /**
     * Makes a queued job due at once (it may be waiting out a retry backoff); false when it is not queued.
     * A finished job is never retried: it has had its one result.
     */
    @Transactional
    public boolean retryNow(String requestId) {
        return jobs.lockByRequestId(requestId).filter(job -> job.status() == JobStatus.QUEUED).map(job -> {
            job.dueNow(clock.instant());
            due.fire(new JobsQueued(1));
            return true;
        }).orElse(false);
    }
}
