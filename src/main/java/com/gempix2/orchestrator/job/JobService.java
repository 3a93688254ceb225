package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * The only code that changes jobs. Every method is one transaction; a terminal change fires
 * {@link JobFinished} inside it, so the result event commits with the state or not at all.
 */
@ApplicationScoped
public class JobService {

    private final JobRepository jobs;
    private final EntityManager em;
    private final Event<JobFinished> finished;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Counter lateSubmitAnswers;
    private final HeldSources heldSources;
    private final TenantConfig tenants;
    private final TenantCaps caps;

    JobService(JobRepository jobs, EntityManager em, Event<JobFinished> finished, Clock clock, MeterRegistry registry,
            HeldSources heldSources, TenantConfig tenants) {
        this.jobs = jobs;
        this.em = em;
        this.heldSources = heldSources;
        this.tenants = tenants;
        this.caps = new TenantCaps(tenants);
        this.finished = finished;
        this.clock = clock;
        this.registry = registry;
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
     * Stores a batch of request messages in one transaction, in their order: each new one queued (or cancelled,
     * when its cancel message came first, or rejected with its result); one whose requestId is stored already
     * starts nothing. The decisions come in the requests' order.
     */
    @Transactional
    public List<IntakeDecision> store(List<NewRequest> requests) {
        List<String> requestIds = requests.stream().map(request -> request.spec().requestId()).distinct().toList();
        jobs.lockRequestIds(requestIds);
        Map<String, String> payloadHashes = new HashMap<>(jobs.payloadHashesOf(requestIds));
        Set<String> cancelledEarly = new HashSet<>(jobs.takeEarlyCancels(requestIds.stream()
                .filter(requestId -> !payloadHashes.containsKey(requestId)).toList()));
        Instant now = clock.instant();
        // Counted once per batch: replicas storing at once may each let one batch past the cap.
        Map<String, Long> queuedByTenant = tenants.maxQueued().isEmpty() ? Map.of()
                : new HashMap<>(jobs.queuedByTenant(requests.stream().map(r -> TenantCaps.tenantOf(r.spec()))
                        .distinct().toList()));
        List<IntakeDecision> decisions = new ArrayList<>(requests.size());
        for (NewRequest request : requests) {
            JobSpec spec = request.spec();
            String known = payloadHashes.putIfAbsent(spec.requestId(), spec.payloadHash());
            if (known != null) {
                decisions.add(known.equals(spec.payloadHash()) ? IntakeDecision.DUPLICATE_IGNORED
                        : IntakeDecision.DUPLICATE_CONFLICT);
                continue;
            }
            Job job = Job.create(spec, JobStatus.QUEUED, now);
            jobs.persist(job);
            byte[] inline = spec.sourceImage() == null ? null : spec.sourceImage().bytes();
            Outcome overCap = request.rejection() == null ? caps.refusal(spec, queuedByTenant) : null;
            if (request.rejection() != null || overCap != null) {
                finish(job, request.rejection() != null ? request.rejection() : overCap);
                decisions.add(IntakeDecision.REJECTED);
            } else if (inline != null && !heldSources.store(job, inline, now)) {
                // The request cannot be kept for later: its bytes are only in this message.
                finish(job, Outcome.rejected(ErrorCodes.SOURCE_IMAGE_UNUSABLE, "sourceImage: the service holds as "
                        + "many source bytes awaiting upload as it may (in all or for this tenant); send it again "
                        + "later under a new requestId, or give sourceImage.url"));
                decisions.add(IntakeDecision.REJECTED);
            } else if (cancelledEarly.remove(spec.requestId())) {
                finish(job, Outcome.cancelled("cancelled before it arrived; nothing was submitted", null));
                decisions.add(IntakeDecision.CANCELLED);
            } else {
                decisions.add(IntakeDecision.QUEUED);
            }
        }
        return decisions;
    }

    /**
     * Cancels a job: one not yet submitted at once, without spending a call; one in flight when its
     * outcome is known; one not seen yet when it arrives.
     */
    @Transactional
    public CancelDecision cancel(String requestId) {
        jobs.lockRequestId(requestId);
        Optional<Job> found = jobs.lockByRequestId(requestId);
        if (found.isEmpty()) {
            if (em.find(EarlyCancel.class, requestId) == null) {
                em.persist(new EarlyCancel(requestId, clock.instant()));
            }
            return CancelDecision.CANCELLED_IN_ADVANCE;
        }
        Job job = found.get();
        return switch (job.status()) {
            case QUEUED -> {
                finish(job, Outcome.cancelled("cancelled before submission; nothing was submitted", null));
                yield CancelDecision.CANCELLED;
            }
            case SUBMITTING, SUBMITTED -> {
                job.requestCancel();
                yield CancelDecision.CANCEL_PENDING;
            }
            default -> CancelDecision.ALREADY_FINISHED;
        };
    }

    /**
     * Makes a queued job due at once (it may be waiting out a retry backoff); false when it is not queued.
     * A finished job is never retried: it has had its one result.
     */
    @Transactional
    public boolean retryNow(String requestId) {
        return jobs.lockByRequestId(requestId).filter(job -> job.status() == JobStatus.QUEUED).map(job -> {
            job.dueNow(clock.instant());
            return true;
        }).orElse(false);
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
                finish(job, Outcome.expired());
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
        overdue.forEach(job -> finish(job, Outcome.expired()));
        return overdue.size();
    }

    /** Stores the uuid Gempix2 gave, and applies a webhook that beat this answer here. */
    @Transactional
    public void submitted(ClaimedJob claim, String uuid) {
        jobs.lockUuid(uuid);
        Optional<Job> held = heldLease(claim);
        if (held.isEmpty()) {
            lateSubmitAnswers.increment();
            Log.warnf("Gempix2 accepted %s as %s after the lease had run out; the job was taken over",
                    claim.requestId(), uuid);
            return;
        }
        Job job = held.get();
        job.submitted(uuid, clock.instant());
        ParkedWebhook parked = em.find(ParkedWebhook.class, uuid);
        if (parked != null) {
            em.remove(parked);
            job.webhookSeen();
            if (parked.confirm()) {
                // Its completion is not trusted without Gempix2's word: the poller asks at once.
                job.pollScheduled(clock.instant(), false);
            } else {
                finish(job, parked.outcome());
            }
        }
    }

    /** An upload of the same bytes within {@code ttl}, whose imageUrl and imageKey can be used again. */
    @Transactional
    public Optional<UploadedSource> uploadedWithin(String sha256, Duration ttl) {
        return Optional.ofNullable(em.find(UploadedSource.class, sha256))
                .filter(upload -> upload.uploadedAt().isAfter(clock.instant().minus(ttl)));
    }

    /**
     * The source image is on Gempix2 now: the job generates from it on its next turn, which is at once
     * and does not count as an attempt (the upload was not the generation).
     */
    @Transactional
    public void sourceUploaded(ClaimedJob claim, String sha256, String imageUrl, String imageKey) {
        // Two replicas may upload the same bytes at once: the later upload simply replaces the earlier.
        em.createNativeQuery("""
                insert into uploaded_source (sha256, image_url, image_key, uploaded_at) values (?1, ?2, ?3, ?4)
                on conflict (sha256) do update set image_url = excluded.image_url, image_key = excluded.image_key,
                uploaded_at = excluded.uploaded_at""")
                .setParameter(1, sha256)
                .setParameter(2, imageUrl)
                .setParameter(3, imageKey)
                .setParameter(4, clock.instant())
                .executeUpdate();
        sourceReady(claim, imageUrl, imageKey);
    }

    /** An earlier upload of the same bytes is used; it keeps its own age, so it is not reused past its time. */
    @Transactional
    public void sourceReused(ClaimedJob claim, String imageUrl, String imageKey) {
        sourceReady(claim, imageUrl, imageKey);
    }

    private void sourceReady(ClaimedJob claim, String imageUrl, String imageKey) {
        heldLease(claim).ifPresent(job -> {
            job.sourceReady(imageUrl, imageKey);
            heldSources.delete(job.id());
            if (job.cancelRequested()) {
                finish(job, Outcome.cancelled("cancelled before it was submitted", null));
            } else {
                job.requeue(clock.instant(), false);
            }
        });
    }

    /** Gives the job back to the queue; {@code countAttempt} false when no call was made. */
    @Transactional
    public void requeue(ClaimedJob claim, Instant nextAttemptAt, boolean countAttempt) {
        heldLease(claim).ifPresent(job -> {
            if (job.cancelRequested()) {
                finish(job, Outcome.cancelled("cancelled before Gempix2 accepted it", null));
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
        return heldLease(claim).map(job -> {
            job.callFailed(now);
            if (job.failingLongerThan(budget, now)) {
                finish(job, giveUp);
                return false;
            }
            if (job.cancelRequested()) {
                finish(job, Outcome.cancelled("cancelled before Gempix2 accepted it", null));
            } else {
                job.requeue(nextAttemptAt, countAttempt);
            }
            return true;
        }).orElse(true);
    }

    @Transactional
    public void finishClaimed(ClaimedJob claim, Outcome outcome) {
        heldLease(claim).ifPresent(job -> finish(job, outcome));
    }

    /** Keeps the leases of claims whose calls are still running in this replica from running out. */
    @Transactional
    public int renewLeases(Collection<ClaimedJob> claims, Duration lease) {
        return claims.isEmpty() ? 0 : jobs.renewLeases(claims, clock.instant().plus(lease));
    }

    /** The same for the polls running in this replica. */
    @Transactional
    public int renewPollLeases(Collection<PollTarget> polls, Duration lease) {
        return polls.isEmpty() ? 0 : jobs.renewPollLeases(polls, clock.instant().plus(lease));
    }

    /** The job as claimed, locked; empty when its lease ran out and another replica took it over. */
    Optional<Job> heldLease(ClaimedJob claim) {
        return jobs.lockById(claim.id())
                .filter(job -> job.status() == JobStatus.SUBMITTING && job.attempts() == claim.attempt());
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
                finish(job, Outcome.cancelled("cancelled while its submission was interrupted", null));
            } else if (resubmit && job.attempts() >= maxAttempts) {
                finish(job, Outcome.failed(ErrorCodes.SUBMIT_OUTCOME_UNKNOWN,
                        "gave up after " + job.attempts() + " interrupted submissions", null));
            } else if (resubmit) {
                job.requeue(now, true);
            } else {
                finish(job, Outcome.failed(ErrorCodes.SUBMIT_OUTCOME_UNKNOWN,
                        "the submit call was interrupted and its outcome is unknown", null));
            }
        }
        return stale.size();
    }

    /**
     * Applies a webhook to the job with its uuid; one that names no job yet is parked (at most
     * {@code parkMax} of them) until the submit response stores the uuid. A signed delivery is applied once.
     */
    @Transactional
    public WebhookDecision applyWebhook(IncomingWebhook webhook, int parkMax) {
        jobs.lockUuid(webhook.uuid());
        if (webhook.deliveryId() != null && em.find(WebhookDelivery.class, webhook.deliveryId()) != null) {
            return WebhookDecision.DUPLICATE_DELIVERY;
        }
        WebhookDecision decision = decide(webhook, parkMax);
        // Only a delivery that was taken in is remembered: one refused (503) must be taken when it is sent again.
        if (webhook.deliveryId() != null && decision != WebhookDecision.PARK_FULL) {
            em.persist(new WebhookDelivery(webhook.deliveryId(), clock.instant()));
        }
        return decision;
    }

    private WebhookDecision decide(IncomingWebhook webhook, int parkMax) {
        Optional<Job> job = jobs.lockByUuid(webhook.uuid());
        if (job.isEmpty()) {
            if (em.find(ParkedWebhook.class, webhook.uuid()) != null) {
                return WebhookDecision.PARKED;
            }
            if (parkedCount() >= parkMax) {
                return WebhookDecision.PARK_FULL;
            }
            em.persist(new ParkedWebhook(webhook.uuid(), webhook.outcome(), clock.instant(), webhook.confirm()));
            return WebhookDecision.PARKED;
        }
        job.get().webhookSeen();
        if (job.get().status().isTerminal()) {
            return WebhookDecision.ALREADY_FINISHED;
        }
        if (webhook.confirm()) {
            // Not confirmed yet (the job was stored only now): the poller asks Gempix2 at once.
            job.get().pollScheduled(clock.instant(), false);
            return WebhookDecision.CONFIRMING;
        }
        finish(job.get(), webhook.outcome());
        return WebhookDecision.APPLIED;
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

    private long parkedCount() {
        return em.createQuery("select count(p) from ParkedWebhook p", Long.class).getSingleResult();
    }

    /**
     * Drops parked webhooks older than {@code ttl}: their uuid belongs to no job of ours. (Delivery ids of signed
     * webhooks go with the retention, {@code gempix2.retention.webhook-deliveries}.)
     */
    @Transactional
    public int dropParkedBefore(Duration ttl) {
        Instant cutoff = clock.instant().minus(ttl);
        return em.createQuery("delete from ParkedWebhook p where p.receivedAt < ?1")
                .setParameter(1, cutoff)
                .executeUpdate();
    }

    /**
     * Leases up to {@code limit} submitted jobs whose next poll is due, so no other poller takes them; a job
     * never polled is due {@code overdueAfter} its kind's time after its submission ({@code otherwise} for a
     * kind without one).
     */
    @Transactional
    public List<PollTarget> claimDueForPoll(Map<GenerationKind, Duration> overdueAfter, Duration otherwise,
            Duration lease, int limit) {
        Instant now = clock.instant();
        Map<GenerationKind, Instant> cutoffs = new LinkedHashMap<>();
        overdueAfter.forEach((kind, after) -> cutoffs.put(kind, now.minus(after)));
        return jobs.lockDueForPoll(now, cutoffs, now.minus(otherwise), limit).stream().map(job -> {
            job.pollScheduled(now.plus(lease), false);
            return new PollTarget(job.id(), job.requestId(), job.uuid(), job.polls(), job.submittedAt());
        }).toList();
    }

    /**
     * Records a poll: an outcome finishes the job (unless a webhook did first), else the next poll time and,
     * when the generation is still running, how long it takes at least.
     */
    @Transactional
    public void polled(PollTarget target, Optional<Outcome> outcome, Instant nextPollAt, Duration runsAtLeast) {
        Job job = jobs.lockById(target.id()).orElseThrow();
        if (job.status() != JobStatus.SUBMITTED) {
            return;
        }
        job.pollScheduled(nextPollAt, true);
        if (runsAtLeast != null) {
            job.runsAtLeast(runsAtLeast.toMillis());
        }
        outcome.ifPresent(o -> {
            job.endedWithin(Duration.between(job.submittedAt(), clock.instant()).toMillis());
            finish(job, o);
        });
    }

    /**
     * Generation times of each kind over its latest {@code sample} outcomes that have one: the {@code low} and
     * {@code high} quantiles, for kinds with at least {@code minSamples} of them.
     */
    @Transactional
    public Map<GenerationKind, GenerationTimes> generationTimes(double low, double high, int sample, int minSamples) {
        Map<GenerationKind, GenerationTimes> times = new LinkedHashMap<>();
        for (GenerationKind kind : GenerationKind.ALL) {
            Object[] row = jobs.generationQuantiles(kind, low, high, sample);
            long count = ((Number) row[2]).longValue();
            if (count >= minSamples) {
                times.put(kind, new GenerationTimes(Duration.ofMillis(((Number) row[0]).longValue()),
                        Duration.ofMillis(((Number) row[1]).longValue()), count));
            }
        }
        return times;
    }

    /**
     * Whether each of the latest {@code count} outcomes came by poll and no webhook followed any of them: then no
     * webhook is coming in.
     */
    @Transactional
    public boolean lastOutcomesAllPolled(int count) {
        List<Boolean> polledOnly = jobs.latestOutcomesPolledOnly(count);
        return polledOnly.size() == count && polledOnly.stream().allMatch(Boolean.TRUE::equals);
    }

    /** Reschedules a poll that could not be made (no quota, upstream paused): no poll is counted. */
    @Transactional
    public void pollDeferred(PollTarget target, Instant nextPollAt) {
        Job job = jobs.lockById(target.id()).orElseThrow();
        if (job.status() == JobStatus.SUBMITTED) {
            job.pollScheduled(nextPollAt, false);
        }
    }

    /** Fails submitted jobs that have had no outcome for {@code maxWait} (9002). */
    @Transactional
    public int timeOutSubmitted(Duration maxWait, int limit) {
        List<Job> late = jobs.lockSubmittedBefore(clock.instant().minus(maxWait), limit);
        late.forEach(job -> finish(job, Outcome.failed(ErrorCodes.GENERATION_TIMED_OUT,
                "no outcome from Gempix2 within " + maxWait.toSeconds() + " s", null)));
        return late.size();
    }

    /** Ends a job: its one result event is written in this transaction, its held source bytes go. */
    void finish(Job job, Outcome requested) {
        Outcome outcome = requested;
        if (job.cancelRequested() && requested.status() != JobStatus.CANCELLED) {
            // The business system no longer wants it: say what Gempix2 did, but publish it as cancelled.
            outcome = Outcome.cancelled("cancelled while in flight; Gempix2's outcome was "
                    + requested.status().wireName()
                    + (requested.errorMessage() == null ? "" : " (" + requested.errorMessage() + ")"), requested.via());
        }
        if (job.needsSource()) {
            heldSources.delete(job.id());
        }
        job.finish(outcome, clock.instant());
        finished.fire(new JobFinished(job));
        registry.counter("gempix2.results", "status", outcome.status().wireName(),
                "completed_via", outcome.via() == null ? "none" : outcome.via().wireName()).increment();
        Log.infof("Job %s finished: %s%s", job.requestId(), outcome.status().wireName(),
                outcome.errorCode() == null ? "" : " (" + outcome.errorCode() + " " + outcome.errorMessage() + ")");
    }
}
