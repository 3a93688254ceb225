package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.gempix2.orchestrator.config.TenantConfig;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * What the dispatcher changes of jobs: claims in the order they are served, the answers of submit calls, and the
 * recovery of claims whose replica died. Each method is one transaction; none waits on the network. A claim's
 * answer is applied only while its lease is held: a claim taken over by another replica changes nothing.
 */
@ApplicationScoped
public class DispatchJobs {

    private final JobRepository jobs;
    private final JobFinisher finisher;
    private final EarlyWebhooks earlyWebhooks;
    private final HeldSources heldSources;
    private final TenantConfig tenants;
    private final Clock clock;
    private final Counter lateSubmitAnswers;

    DispatchJobs(JobRepository jobs, JobFinisher finisher, EarlyWebhooks earlyWebhooks, HeldSources heldSources,
            TenantConfig tenants, Clock clock, MeterRegistry registry) {
        this.jobs = jobs;
        this.finisher = finisher;
        this.earlyWebhooks = earlyWebhooks;
        this.heldSources = heldSources;
        this.tenants = tenants;
        this.clock = clock;
        this.lateSubmitAnswers = Counter.builder("gempix2.submit.late.answers")
                .description("Submit answers that arrived after their lease had run out (a possible second generation)")
                .register(registry);
    }

    /** How many queued jobs (up to {@code atMost}) may be submitted now: a cheap look before taking permits. */
    @Transactional
    public int countDue(int atMost) {
        return jobs.countQueuedDue(clock.instant(), atMost);
    }

    /**
     * Leases up to {@code count} queued jobs in the order they are served: highest priority first; within it,
     * the oldest job of the tenant served least recently, so that one tenant's flood delays another tenant's
     * request by one turn at most. Jobs whose deadline has passed expire on the way.
     */
    @Transactional
    public List<ClaimedJob> claimNext(Duration lease, int count) {
        Instant now = clock.instant();
        List<ClaimedJob> claimed = new ArrayList<>();
        LinkedList<JobRepository.QueuedTenant> turns = new LinkedList<>(jobs.queuedTenants());
        Map<String, Instant> served = new TreeMap<>();
        Map<String, Long> inFlight = tenants.maxInFlight().isEmpty() ? Map.of()
                : new HashMap<>(jobs.inFlightByTenant(turns.stream().map(JobRepository.QueuedTenant::tenant).distinct()
                        .toList()));
        while (claimed.size() < count && !turns.isEmpty()) {
            JobRepository.QueuedTenant turn = turns.peekFirst();
            if (tenants.maxInFlight().isPresent()
                    && inFlight.getOrDefault(turn.tenant(), 0L) >= tenants.maxInFlight().get()) {
                // As many of its jobs in flight as one tenant may have: its queue waits for one to end.
                turns.removeFirst();
                continue;
            }
            Optional<Job> next = jobs.lockOldestDue(turn, now);
            if (next.isEmpty()) {
                // Nothing of this tenant is due now (backoffs), or another replica holds it.
                turns.removeFirst();
                continue;
            }
            Job job = next.get();
            if (job.deadline() != null && job.deadline().isBefore(now)) {
                finisher.finish(job, Outcome.expired());
                continue;
            }
            job.claim(now.plus(lease));
            if (tenants.maxInFlight().isPresent()) {
                inFlight.merge(job.tenant(), 1L, Long::sum);
            }
            // A microsecond apart, so that the tenants served in one batch keep their order for the next.
            served.put(job.tenant(), now.plus(claimed.size(), ChronoUnit.MICROS));
            claimed.add(ClaimedJob.of(job));
            // Served now: the tenant's next turn comes after every other tenant of its priority.
            turns.removeFirst();
            int after = 0;
            while (after < turns.size() && turns.get(after).priority() == turn.priority()) {
                after++;
            }
            turns.add(after, turn);
        }
        // Once, in the tenants' order: replicas claiming at the same time then never wait on each other in a cycle.
        jobs.tenantsServed(served);
        return claimed;
    }

    /** Expires queued jobs whose deadline has passed, even while no quota is left to claim them. */
    @Transactional
    public int expireOverdue(int limit) {
        List<Job> overdue = jobs.lockExpiredQueued(clock.instant(), limit);
        overdue.forEach(job -> finisher.finish(job, Outcome.expired()));
        return overdue.size();
    }

    /** Stores the uuid Gempix2 gave, and applies a webhook that beat this answer here. */
    @Transactional
    public void submitted(ClaimedJob claim, String uuid) {
        jobs.lockUuid(uuid);
        Optional<Job> held = jobs.lockHeldLease(claim);
        if (held.isEmpty()) {
            lateSubmitAnswers.increment();
            Log.warnf("Gempix2 accepted %s as %s after the lease had run out; the job was taken over",
                    claim.requestId(), uuid);
            return;
        }
        Job job = held.get();
        job.submitted(uuid, clock.instant());
        earlyWebhooks.take(uuid).ifPresent(early -> {
            job.webhookSeen();
            if (early.confirm()) {
                // Its completion is not trusted without Gempix2's word: the poller asks at once.
                job.pollScheduled(clock.instant(), false);
            } else {
                finisher.finish(job, early.outcome());
            }
        });
    }

    /**
     * The job's source image is on Gempix2 now (uploaded, or an earlier upload of the same bytes): the job
     * generates from it on its next turn, which is at once and does not count as an attempt (the upload was not
     * the generation).
     */
    @Transactional
    public void sourceReady(ClaimedJob claim, String imageUrl, String imageKey) {
        jobs.lockHeldLease(claim).ifPresent(job -> {
            job.sourceReady(imageUrl, imageKey);
            heldSources.delete(job.id());
            if (job.cancelRequested()) {
                finisher.finish(job, Outcome.cancelled("cancelled before it was submitted", null));
            } else {
                job.requeue(clock.instant(), false);
            }
        });
    }

    /** Gives the job back to the queue; {@code countAttempt} false when no call was made. */
    @Transactional
    public void requeue(ClaimedJob claim, Instant nextAttemptAt, boolean countAttempt) {
        jobs.lockHeldLease(claim).ifPresent(job -> {
            if (job.cancelRequested()) {
                finisher.finish(job, Outcome.cancelled("cancelled before Gempix2 accepted it", null));
            } else {
                job.requeue(nextAttemptAt, countAttempt);
            }
        });
    }

    /**
     * A call for the job failed: back to the queue until {@code nextAttemptAt} ({@code countAttempt} false when the
     * failure was Gempix2's outage rather than the job's), or {@code giveUp} once its calls have been failing for
     * longer than {@code budget}. False when it was given up.
     */
    @Transactional
    public boolean requeueFailed(ClaimedJob claim, Instant nextAttemptAt, boolean countAttempt, Duration budget,
            Outcome giveUp) {
        Instant now = clock.instant();
        return jobs.lockHeldLease(claim).map(job -> {
            job.callFailed(now);
            if (job.failingLongerThan(budget, now)) {
                finisher.finish(job, giveUp);
                return false;
            }
            if (job.cancelRequested()) {
                finisher.finish(job, Outcome.cancelled("cancelled before Gempix2 accepted it", null));
            } else {
                job.requeue(nextAttemptAt, countAttempt);
            }
            return true;
        }).orElse(true);
    }

    @Transactional
    public void finishClaimed(ClaimedJob claim, Outcome outcome) {
        jobs.lockHeldLease(claim).ifPresent(job -> finisher.finish(job, outcome));
    }

    /** Keeps the leases of claims whose calls are still running in this replica from running out. */
    @Transactional
    public int renewLeases(Collection<ClaimedJob> claims, Duration lease) {
        return claims.isEmpty() ? 0 : jobs.renewLeases(claims, clock.instant().plus(lease));
    }

    /**
     * Jobs left in SUBMITTING past their lease: a dispatcher died inside the submit call, so
     * whether Gempix2 took it is unknown. {@code resubmit} requeues them, otherwise they fail with 9004.
     */
    @Transactional
    public int recoverStaleSubmissions(boolean resubmit, int maxAttempts, int limit) {
        Instant now = clock.instant();
        List<Job> stale = jobs.lockStaleSubmissions(now, limit);
        for (Job job : stale) {
            Log.warnf("Submission of %s was interrupted (lease ran out): %s", job.requestId(),
                    resubmit ? "submitting again" : "failing it");
            if (job.cancelRequested()) {
                finisher.finish(job, Outcome.cancelled("cancelled while its submission was interrupted", null));
            } else if (resubmit && job.attempts() >= maxAttempts) {
                finisher.finish(job, Outcome.failed(ErrorCodes.SUBMIT_OUTCOME_UNKNOWN,
                        "gave up after " + job.attempts() + " interrupted submissions", null));
            } else if (resubmit) {
                job.requeue(now, true);
            } else {
                finisher.finish(job, Outcome.failed(ErrorCodes.SUBMIT_OUTCOME_UNKNOWN,
                        "the submit call was interrupted and its outcome is unknown", null));
            }
        }
        return stale.size();
    }
}
