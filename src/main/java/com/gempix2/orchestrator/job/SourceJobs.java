package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

/**
 * What the source fetcher and the dispatcher change of jobs that bring a source image: downloads claimed apart
 * from dispatch (the job stays queued, holding no claim and no permit), their bytes stored within the caps, and a
 * job sent back to wait for its download. Each method is one short transaction; none waits on the network.
 */
@ApplicationScoped
public class SourceJobs {

    /** What became of a downloaded image. */
    public enum Stored {
        /** Held for the upload; the job is due for dispatch. */
        STORED,
        /** No room under the caps: the download is tried again later. */
        FULL,
        /** The job ended or no longer waits for it (cancelled, expired). */
        GONE
    }

    private final JobRepository jobs;
    private final JobFinisher finisher;
    private final HeldSources held;
    private final Clock clock;
    private final Event<JobsQueued> due;

    SourceJobs(JobRepository jobs, JobFinisher finisher, HeldSources held, Clock clock, Event<JobsQueued> due) {
        this.jobs = jobs;
        this.finisher = finisher;
        this.held = held;
        this.clock = clock;
        this.due = due;
    }

    /** Claims up to {@code limit} downloads, highest priority and oldest first, for {@code lease}. */
    @Transactional
    public List<FetchTarget> claimFetches(int limit, Duration lease) {
        Instant now = clock.instant();
        return jobs.lockDueFetches(now, limit).stream().map(job -> {
            job.fetchClaimed(now.plus(lease));
            return new FetchTarget(job.id(), job.requestId(), job.sourceUrl(), job.fetchFailures());
        }).toList();
    }

    /** Stores a downloaded image for its upload, when the caps leave room. */
    @Transactional
    public Stored fetched(long jobId, byte[] bytes, Duration retryWhenFull) {
        Optional<Job> waiting = waitingForFetch(jobId);
        if (waiting.isEmpty()) {
            return Stored.GONE;
        }
        Job job = waiting.get();
        Instant now = clock.instant();
        if (!held.couldEverHold(bytes.length)) {
            finisher.finish(job, Outcome.rejected(ErrorCodes.SOURCE_IMAGE_UNUSABLE, "sourceImage: " + bytes.length
                    + " bytes, more than the service holds for one tenant or in all"));
            return Stored.GONE;
        }
        if (!held.store(job, bytes, now)) {
            job.fetchPutOff(now.plus(retryWhenFull), false);
            return Stored.FULL;
        }
        job.sourceFetched(now);
        due.fire(new JobsQueued(1));
        return Stored.STORED;
    }

    /** The download is tried again at {@code retryAt}, one failure more. */
    @Transactional
    public void fetchFailed(long jobId, Instant retryAt) {
        waitingForFetch(jobId).ifPresent(job -> job.fetchPutOff(retryAt, true));
    }

    /** The download gave an outcome that ends the job (an unusable image, or too many failures). */
    @Transactional
    public void fetchEnded(long jobId, Outcome outcome) {
        waitingForFetch(jobId).ifPresent(job -> finisher.finish(job, outcome));
    }

    /** Gives up a claimed download without trying it (its host is busy): tried again at {@code retryAt}. */
    @Transactional
    public void fetchPutOff(long jobId, Instant retryAt) {
        waitingForFetch(jobId).ifPresent(job -> job.fetchPutOff(retryAt, false));
    }

    /** The bytes a claimed job is to upload, if they are held. */
    @Transactional
    public Optional<byte[]> bytesOf(ClaimedJob claim) {
        return held.bytesOf(claim.id());
    }

    /**
     * A claimed job whose bytes are not held (an operator made it due early, or they were lost): back to waiting for
     * its download, with no attempt counted.
     */
    @Transactional
    public void awaitSource(ClaimedJob claim) {
        jobs.lockHeldLease(claim).ifPresent(job -> {
            if (job.sourceUrl() == null) {
                // Its bytes came in its message and are not held any more: there is nothing to download them from.
                finisher.finish(job, Outcome.failed(ErrorCodes.SOURCE_IMAGE_UNUSABLE,
                        "sourceImage: its bytes are no longer held", null));
            } else {
                job.awaitSource();
            }
        });
    }

    private Optional<Job> waitingForFetch(long jobId) {
        return jobs.lockById(jobId).filter(job -> job.status() == JobStatus.QUEUED && job.awaitingFetch());
    }
}
