package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.gempix2.orchestrator.config.TenantConfig;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

/**
 * What arrives from the business systems: requests, stored in batches, and cancels (a cancel from the operator
 * API is the same cancel). Each method is one transaction.
 */
@ApplicationScoped
public class IntakeJobs {

    private final JobRepository jobs;
    private final JobFinisher finisher;
    private final EarlyCancels earlyCancels;
    private final HeldSources heldSources;
    private final TenantConfig tenants;
    private final TenantCaps caps;
    private final Clock clock;
    private final Event<JobsQueued> queued;

    IntakeJobs(JobRepository jobs, JobFinisher finisher, EarlyCancels earlyCancels, HeldSources heldSources,
            TenantConfig tenants, Clock clock, Event<JobsQueued> queued) {
        this.jobs = jobs;
        this.finisher = finisher;
        this.earlyCancels = earlyCancels;
        this.heldSources = heldSources;
        this.tenants = tenants;
        this.caps = new TenantCaps(tenants);
        this.clock = clock;
        this.queued = queued;
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
        Set<String> cancelledEarly = new HashSet<>(earlyCancels.take(requestIds.stream()
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
                finisher.finish(job, request.rejection() != null ? request.rejection() : overCap);
                decisions.add(IntakeDecision.REJECTED);
            } else if (inline != null && !heldSources.store(job, inline, now)) {
                // The request cannot be kept for later: its bytes are only in this message.
                finisher.finish(job, Outcome.rejected(ErrorCodes.SOURCE_IMAGE_UNUSABLE, "sourceImage: the service "
                        + "holds as many source bytes awaiting upload as it may (in all or for this tenant); send it "
                        + "again later under a new requestId, or give sourceImage.url"));
                decisions.add(IntakeDecision.REJECTED);
            } else if (cancelledEarly.remove(spec.requestId())) {
                finisher.finish(job, Outcome.cancelled("cancelled before it arrived; nothing was submitted", null));
                decisions.add(IntakeDecision.CANCELLED);
            } else {
                decisions.add(IntakeDecision.QUEUED);
            }
        }
        int queuedNow = (int) decisions.stream().filter(decision -> decision == IntakeDecision.QUEUED).count();
        if (queuedNow > 0) {
            queued.fire(new JobsQueued(queuedNow));
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
            earlyCancels.remember(requestId);
            return CancelDecision.CANCELLED_IN_ADVANCE;
        }
        Job job = found.get();
        return switch (job.status()) {
            case QUEUED -> {
                finisher.finish(job, Outcome.cancelled("cancelled before submission; nothing was submitted", null));
                yield CancelDecision.CANCELLED;
            }
            case SUBMITTING, SUBMITTED -> {
                job.requestCancel();
                yield CancelDecision.CANCEL_PENDING;
            }
            default -> CancelDecision.ALREADY_FINISHED;
        };
    }
}
