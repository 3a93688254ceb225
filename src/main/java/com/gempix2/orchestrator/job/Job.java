package com.gempix2.orchestrator.job;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * One generation request and everything learned about it. Its state changes only through the
 * package-private methods below, called by this package's services (one per caller: {@link IntakeJobs},
 * {@link DispatchJobs}, {@link SourceJobs}, {@link WebhookJobs}, {@link PollJobs}, {@link OperatorJobs}), which
 * enforce {@link JobStatus#canMoveTo}; only {@link JobFinisher} ends a job.
 */
@Entity
@Table(name = "job")
public class Job {

    /** Where a job waiting for its source image's download keeps its next attempt: out of the dispatcher's sight. */
    static final Instant AWAITING_SOURCE = Instant.parse("9999-01-01T00:00:00Z");
    private static final String FETCH = "FETCH";
    private static final String UPLOAD = "UPLOAD";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "request_id", nullable = false, updatable = false)
    private String requestId;
    @Column(name = "record_key", updatable = false)
    private String recordKey;
    @Column(name = "payload_hash", nullable = false, updatable = false)
    private String payloadHash;
    @Column(name = "generation_type", updatable = false)
    private String generationType;
    @Column(updatable = false)
    private String prompt;
    @Column(name = "aspect_ratio", updatable = false)
    private String aspectRatio;
    @Column(name = "image_url")
    private String imageUrl;
    @Column(name = "image_key")
    private String imageKey;
    @Column(name = "source_url", updatable = false)
    private String sourceUrl;
    /** {@code FETCH}: its source image is to be downloaded; {@code UPLOAD}: its bytes wait in source_image. */
    @Column(name = "source_state")
    private String sourceState;
    @Column(name = "fetch_lease_until")
    private Instant fetchLeaseUntil;
    @Column(name = "fetch_failures", nullable = false)
    private int fetchFailures;
    @Column(name = "failing_since")
    private Instant failingSince;
    @Column(nullable = false, updatable = false)
    private short priority;
    @Column(nullable = false, updatable = false)
    private String tenant;
    @Column(updatable = false)
    private Instant deadline;
    @Column(updatable = false)
    private String metadata;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobStatus status;
    private String uuid;
    private int attempts;
    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;
    @Column(name = "lease_until")
    private Instant leaseUntil;
    @Column(name = "next_poll_at")
    private Instant nextPollAt;
    private int polls;
    /** How long the generation took (webhook) or takes at least (a poll's estimate): a sample of its kind. */
    @Column(name = "generation_ms")
    private Long generationMs;
    @Column(name = "webhook_seen", nullable = false)
    private boolean webhookSeen;
    @Column(name = "received_at", nullable = false, updatable = false)
    private Instant receivedAt;
    @Column(name = "submitted_at")
    private Instant submittedAt;
    @Column(name = "finished_at")
    private Instant finishedAt;
    @Column(name = "result_image_url")
    private String resultImageUrl;
    @Column(name = "error_code")
    private Integer errorCode;
    @Column(name = "error_message")
    private String errorMessage;
    @Enumerated(EnumType.STRING)
    @Column(name = "completed_via")
    private CompletedVia completedVia;
    @Column(name = "cancel_requested", nullable = false)
    private boolean cancelRequested;

    @Version
    private int version;

    protected Job() {
    }

    static Job create(JobSpec spec, JobStatus status, Instant now) {
        Job job = new Job();
        job.requestId = spec.requestId();
        job.recordKey = spec.recordKey();
        job.payloadHash = spec.payloadHash();
        job.generationType = spec.generationType();
        job.prompt = spec.prompt();
        job.aspectRatio = spec.aspectRatio();
        job.imageUrl = spec.imageUrl();
        job.imageKey = spec.imageKey();
        job.nextAttemptAt = now;
        if (spec.sourceImage() != null) {
            job.sourceUrl = spec.sourceImage().url();
            job.sourceState = job.sourceUrl != null ? FETCH : UPLOAD;
            if (job.sourceUrl != null) {
                job.nextAttemptAt = AWAITING_SOURCE;
            }
        }
        job.priority = (short) (spec.priority() == null ? Priority.NORMAL : spec.priority()).ordinal();
        job.tenant = spec.tenant() == null ? "default" : spec.tenant();
        job.deadline = spec.deadline();
        job.metadata = spec.metadataJson();
        job.status = status;
        job.receivedAt = now;
        return job;
    }

    void claim(Instant leaseUntil) {
        moveTo(JobStatus.SUBMITTING);
        attempts++;
        this.leaseUntil = leaseUntil;
    }

    /** Back to the queue; {@code countAttempt} false when the call was never made (quota, pause). */
    void requeue(Instant nextAttemptAt, boolean countAttempt) {
        moveTo(JobStatus.QUEUED);
        if (!countAttempt) {
            attempts--;
        }
        this.nextAttemptAt = nextAttemptAt;
        this.leaseUntil = null;
    }

    /** A call for it failed: its retry budget in time runs from the first one. */
    void callFailed(Instant now) {
        if (failingSince == null) {
            failingSince = now;
        }
    }

    /** Whether its calls have been failing for longer than {@code budget}. */
    boolean failingLongerThan(java.time.Duration budget, Instant now) {
        return failingSince != null && failingSince.plus(budget).isBefore(now);
    }

    void submitted(String uuid, Instant now) {
        moveTo(JobStatus.SUBMITTED);
        this.uuid = uuid;
        this.submittedAt = now;
        this.leaseUntil = null;
    }

    /** Its source image was uploaded: generate from there; the bytes are not needed any more. */
    void sourceReady(String imageUrl, String imageKey) {
        this.imageUrl = imageUrl;
        this.imageKey = imageKey;
        this.sourceState = null;
    }

    /** A fetcher downloads its source image until {@code until}; the job stays queued meanwhile. */
    void fetchClaimed(Instant until) {
        this.fetchLeaseUntil = until;
    }

    /** Its source image's bytes are stored: due for dispatch, which uploads them first. */
    void sourceFetched(Instant now) {
        this.sourceState = UPLOAD;
        this.fetchLeaseUntil = null;
        this.nextAttemptAt = now;
    }

    /** The download is tried again at {@code retryAt}; {@code failed} when it failed (rather than had no room). */
    void fetchPutOff(Instant retryAt, boolean failed) {
        this.fetchLeaseUntil = retryAt;
        if (failed) {
            fetchFailures++;
        }
    }

    /** Its bytes are not here (yet, or any more): back to waiting for a download, not due for dispatch. */
    void awaitSource() {
        moveTo(JobStatus.QUEUED);
        attempts--;
        this.sourceState = FETCH;
        this.leaseUntil = null;
        this.nextAttemptAt = AWAITING_SOURCE;
    }

    /** A source image still to be uploaded before the generation can be submitted. */
    public boolean needsSource() {
        return imageUrl == null && imageKey == null && sourceState != null;
    }

    /** A source image still to be downloaded. */
    public boolean awaitingFetch() {
        return FETCH.equals(sourceState);
    }

    public int fetchFailures() {
        return fetchFailures;
    }

    /** An operator wants a job that waits out a retry backoff tried at once. */
    void dueNow(Instant now) {
        if (awaitingFetch()) {
            // Its image is still to be fetched: the download is what is tried at once.
            this.fetchLeaseUntil = null;
        } else {
            this.nextAttemptAt = now;
        }
    }

    /** A cancel message came while the job was in flight: its outcome will be published as cancelled. */
    void requestCancel() {
        cancelRequested = true;
    }

    void pollScheduled(Instant nextPollAt, boolean polled) {
        this.nextPollAt = nextPollAt;
        if (polled) {
            polls++;
        }
    }

    /** A webhook came for it (whatever it then did): the webhooks work. */
    void webhookSeen() {
        webhookSeen = true;
    }

    /** A poll found the generation still running: it takes at least {@code millis} from submission. */
    void runsAtLeast(long millis) {
        generationMs = generationMs == null ? millis : Math.max(generationMs, millis);
    }

    /**
     * A poll found it over, {@code millis} after submission, never having seen it running: it ended somewhere in
     * between, and the midpoint is the sample (neither bound alone, which would only ever push the times one way).
     */
    void endedWithin(long millis) {
        if (generationMs == null) {
            generationMs = millis / 2;
        }
    }

    void finish(Outcome outcome, Instant now) {
        if (outcome.via() == CompletedVia.WEBHOOK && submittedAt != null) {
            // The webhook comes as the generation ends: the exact sample, whatever polls estimated before.
            generationMs = java.time.Duration.between(submittedAt, now).toMillis();
        }
        moveTo(outcome.status());
        this.resultImageUrl = outcome.imageUrl();
        this.errorCode = outcome.errorCode();
        this.errorMessage = outcome.errorMessage();
        this.completedVia = outcome.via();
        this.finishedAt = now;
        this.leaseUntil = null;
        this.nextPollAt = null;
        this.nextAttemptAt = null;
        this.fetchLeaseUntil = null;
    }

    private void moveTo(JobStatus next) {
        if (!status.canMoveTo(next)) {
            throw new IllegalStateException("job " + requestId + " cannot move from " + status + " to " + next);
        }
        status = next;
    }

    public Long id() {
        return id;
    }

    public String requestId() {
        return requestId;
    }

    public String recordKey() {
        return recordKey;
    }

    public String payloadHash() {
        return payloadHash;
    }

    public String generationType() {
        return generationType;
    }

    public String prompt() {
        return prompt;
    }

    public String aspectRatio() {
        return aspectRatio;
    }

    public String imageUrl() {
        return imageUrl;
    }

    public String imageKey() {
        return imageKey;
    }

    public String sourceUrl() {
        return sourceUrl;
    }

    public Priority priority() {
        return Priority.values()[priority];
    }

    public String tenant() {
        return tenant;
    }

    public Instant deadline() {
        return deadline;
    }

    public String metadata() {
        return metadata;
    }

    public JobStatus status() {
        return status;
    }

    public String uuid() {
        return uuid;
    }

    public int attempts() {
        return attempts;
    }

    public Instant leaseUntil() {
        return leaseUntil;
    }

    public int polls() {
        return polls;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public String resultImageUrl() {
        return resultImageUrl;
    }

    public Integer errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public CompletedVia completedVia() {
        return completedVia;
    }

    public boolean cancelRequested() {
        return cancelRequested;
    }
}
