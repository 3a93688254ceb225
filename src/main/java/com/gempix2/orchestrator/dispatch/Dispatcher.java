package com.gempix2.orchestrator.dispatch;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.jboss.logging.MDC;

import com.gempix2.orchestrator.config.DispatchConfig;
import com.gempix2.orchestrator.config.SourceConfig;
import com.gempix2.orchestrator.config.SubmitUnknownPolicy;
import com.gempix2.orchestrator.job.ClaimedJob;
import com.gempix2.orchestrator.job.DispatchJobs;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.JobsQueued;
import com.gempix2.orchestrator.job.Outcome;
import com.gempix2.orchestrator.job.SourceJobs;
import com.gempix2.orchestrator.provider.Gempix2Client;
import com.gempix2.orchestrator.provider.GenerateCommand;
import com.gempix2.orchestrator.provider.UpstreamAnswer;
import com.gempix2.orchestrator.quota.Permit;
import com.gempix2.orchestrator.quota.Permits;
import com.gempix2.orchestrator.support.Backoff;
import com.gempix2.orchestrator.support.CoalescedRuns;
import com.gempix2.orchestrator.support.DatabaseOutages;
import com.gempix2.orchestrator.support.ImageType;
import com.gempix2.orchestrator.support.RunningClaims;
import com.gempix2.orchestrator.webhook.ImageUrls;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/**
 * Claims queued jobs (priority first, then the tenant served least recently, then age) and submits them to
 * Gempix2 while the rate budget has room, with up to {@code dispatch.concurrency} calls in flight: permits
 * first, then as many claims as permits, so that no job is claimed that cannot be sent now. Safe with several
 * replicas: claims skip rows another replica holds. A claim is a lease, renewed while its call runs, so that the
 * jobs of a replica that died are taken over a lease after its last renewal.
 */
@ApplicationScoped
public class Dispatcher {

    private static final int SWEEP_LIMIT = 100;
    private static final Duration QUIET_AT_MOST = Duration.ofSeconds(5);
    private static final Duration STORE_RETRY_FIRST = Duration.ofMillis(250);
    private static final Duration STORE_RETRY_MAX = Duration.ofSeconds(2);
    private static final Duration STORE_RETRY_FOR = Duration.ofMinutes(5);
    /** A generation's uuid as it may be stored (its column holds 128) and put in a status URL. */
    private static final Pattern UPSTREAM_UUID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final DispatchJobs jobs;
    private final UploadedSources uploads;
    private final Gempix2Client client;
    private final DispatchConfig config;
    private final SourceConfig sourceConfig;
    private final SourceJobs sourceJobs;
    private final Backoff backoff;
    private final Clock clock;
    private final MeterRegistry registry;
    /** Serialise uploads of the same bytes within this replica (a bounded set of locks, chosen by hash). */
    private final Object[] uploadLocks = new Object[64];
    private final CallSlots calls;
    private final ImageUrls imageUrls;

    /** No permit is to be had before then: ticks until then only sweep. */
    private volatile Instant quietUntil = Instant.MIN;
    /** The claims whose calls run here, from the call's start until its answer is stored: their leases are renewed. */
    private final RunningClaims<ClaimedJob> running = new RunningClaims<>("submit calls");
    /**
     * Until a whole lease has passed since this replica last failed to reach the database (or started), it does not
     * take over leases that ran out: they may have run out because nobody could renew them (the database was away for
     * everyone), not because their replica died.
     */
    private final DatabaseOutages outages;
    /** One dispatch at a time, whoever starts it; one asked for while another runs makes that one look again. */
    private final AtomicBoolean dispatching = new AtomicBoolean();
    private final AtomicBoolean lookAgain = new AtomicBoolean();
    /** Runs the dispatch that newly due jobs ask for, off the thread that committed them. */
    private final CoalescedRuns wakeRuns = new CoalescedRuns("gempix2-dispatch-wake", this::dispatchOnWake);
    /**
     * When the deadline and lease sweeps run next: once an interval, however many dispatches wakes start. Read and
     * written only by the dispatch that holds {@link #dispatching}.
     */
    private Instant nextSweep = Instant.MIN;

    Dispatcher(DispatchJobs jobs, UploadedSources uploads, SourceJobs sourceJobs, Gempix2Client client,
            DispatchConfig config,
            SourceConfig sourceConfig, CallSlots calls, Clock clock, MeterRegistry registry, ImageUrls imageUrls) {
        this.jobs = jobs;
        this.uploads = uploads;
        this.sourceJobs = sourceJobs;
        this.client = client;
        this.config = config;
        this.sourceConfig = sourceConfig;
        this.backoff = new Backoff(config.dispatch().backoffInitial(), config.dispatch().backoffMax());
        this.clock = clock;
        this.registry = registry;
        this.calls = calls;
        this.imageUrls = imageUrls;
        java.util.Arrays.setAll(uploadLocks, i -> new Object());
        this.outages = new DatabaseOutages(clock);
    }

    /** Made at startup, so that a lease setting that cannot work stops the start instead of every tick. */
    void checkLeases(@Observes StartupEvent event) {
        if (config.dispatch().leaseRenewal().multipliedBy(3).compareTo(config.dispatch().lease()) > 0) {
            throw new IllegalStateException("gempix2.dispatch.lease-renewal must be at most a third of "
                    + "gempix2.dispatch.lease, so that a late renewal does not lose a lease");
        }
    }

    /** New jobs were committed: they are dispatched now, not at the next tick, up to an interval later. */
    void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) JobsQueued queued) {
        if (!calls.stopping()) {
            wakeRuns.request();
        }
    }

    private void dispatchOnWake() {
        try {
            tick();
        } catch (RuntimeException e) {
            Log.warn("Dispatching newly queued jobs failed, the next tick tries again", e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        // A dispatch going on ends by itself once the calls stop (CallSlots): nothing to wait for here.
        wakeRuns.stop(Duration.ZERO);
    }

    @Scheduled(every = "${gempix2.dispatch.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        // Whoever finds a dispatch running leaves it a note to look again before it ends, so no wake-up is lost
        // (unless that dispatch fails: then the next tick looks).
        lookAgain.set(true);
        while (lookAgain.get() && !calls.stopping() && dispatching.compareAndSet(false, true)) {
            try {
                lookAgain.set(false);
                dispatchWhileDue();
            } finally {
                dispatching.set(false);
            }
        }
    }

    private void dispatchWhileDue() {
        // While there is work, the tick goes on (the sweeps every interval within it): handing back each
        // interval would lose up to one, for the scheduler skips the trigger that found this tick still running.
        try {
            while (!calls.stopping()) {
                Instant now = clock.instant();
                // (A sweep far ahead: the clock was set back.)
                if (!now.isBefore(nextSweep) || nextSweep.isAfter(now.plus(config.dispatch().interval()))) {
                    sweep();
                    nextSweep = clock.instant().plus(config.dispatch().interval());
                }
                if (!awaitPermitTime() || !dispatchBatch(nextSweep)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            outages.noteIfLost(e);
            throw e;
        }
    }

    /** Moves on the leases of the calls running here; a replica that died renews nothing, and its jobs are taken over. */
    @Scheduled(every = "${gempix2.dispatch.lease-renewal}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void renewLeases() {
        running.renew(held -> jobs.renewLeases(held, config.dispatch().lease())).ifPresent(outages::noteIfLost);
    }

    private void sweep() {
        jobs.expireOverdue(SWEEP_LIMIT);
        if (outages.within(config.dispatch().lease())) {
            // Back from a database outage: the leases that ran out meanwhile are renewed first, by live replicas.
            return;
        }
        boolean resubmit = config.submitUnknownPolicy() == SubmitUnknownPolicy.RESUBMIT;
        int interrupted = jobs.recoverStaleSubmissions(resubmit, config.dispatch().maxAttempts(), SWEEP_LIMIT);
        if (interrupted > 0) {
            registry.counter("gempix2.submit.unknown", "policy", config.submitUnknownPolicy().name().toLowerCase(),
                    "cause", "lease-expired").increment(interrupted);
        }
    }

    /**
     * Starts calls for as many due jobs as there are free places (waiting until {@code until} at most for one)
     * and permits; false when there is nothing more to do before the next tick.
     */
    private boolean dispatchBatch(Instant until) {
        int free = calls.awaitFree(calls.concurrency(), until);
        if (free == 0) {
            // Every place in use until then: look again (unless interrupted, which ends the tick).
            return !Thread.currentThread().isInterrupted();
        }
        int started = 0;
        List<Permit.Granted> granted = List.of();
        List<ClaimedJob> claims = List.of();
        Permits permits;
        try {
            // No more permits than jobs that could use them: a surplus would hold back the other replicas.
            int due = jobs.countDue(free);
            if (due == 0) {
                return false;
            }
            permits = client.reserveSubmissions(due);
            granted = permits.granted();
            claims = granted.isEmpty() ? List.of() : jobs.claimNext(config.dispatch().lease(), granted.size());
            for (; started < claims.size(); started++) {
                ClaimedJob claim = claims.get(started);
                Permit.Granted permit = granted.get(started);
                calls.start(() -> {
                    running.started(claim);
                    try {
                        submit(claim, permit);
                    } catch (RuntimeException e) {
                        // Whether the call was made is unknown: the lease runs out and the lease recovery decides.
                        Log.errorf(e, "Submitting %s failed unexpectedly; its lease will run out and be recovered",
                                claim.requestId());
                    } finally {
                        running.ended(claim);
                    }
                });
            }
        } finally {
            // Whatever went wrong (the database, a pool shutting down): what was not started goes back.
            calls.giveBack(free - started);
            if (started < granted.size()) {
                releaseQuietly(granted.subList(started, granted.size()));
            }
            for (ClaimedJob unstarted : claims.subList(started, claims.size())) {
                // Claimed but never sent: back to the queue at once, no attempt counted.
                jobs.requeue(unstarted, clock.instant(), false);
            }
        }
        if (permits.denied() != null) {
            // Look again by then at the latest: another replica or an operator may lift a pause sooner.
            Instant latest = clock.instant().plus(QUIET_AT_MOST);
            Instant retryAt = permits.denied().retryAt();
            quietUntil = retryAt.isBefore(latest) ? retryAt : latest;
            return true;
        }
        // Permits but no job: another replica took them meanwhile.
        return !claims.isEmpty();
    }

    private void releaseQuietly(List<Permit.Granted> unused) {
        try {
            client.release(unused);
        } catch (RuntimeException e) {
            // They count against the window until it ends: a little budget lost, never a call too many.
            Log.warnf("Could not give back %d unused permits: %s", unused.size(), e.getMessage());
        }
    }

    /**
     * True when a permit may be had now. One that frees within the next tick is waited for here, so that
     * a spent budget is used again the moment it frees, not up to a tick later.
     */
    private boolean awaitPermitTime() {
        Instant now = clock.instant();
        // Further off than a denial can set it: the clock was set back.
        if (!now.isBefore(quietUntil) || quietUntil.isAfter(now.plus(QUIET_AT_MOST))) {
            return true;
        }
        Duration wait = Duration.between(now, quietUntil);
        if (wait.compareTo(config.dispatch().interval()) > 0) {
            return false;
        }
        try {
            Thread.sleep(Math.max(1, wait.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Submits one claimed job (or uploads its source image first); false when dispatching should stop for this tick. */
    boolean submit(ClaimedJob job, Permit.Granted permit) {
        MDC.put("requestId", job.requestId());
        try {
            if (job.needsSource()) {
                return uploadSource(job, permit);
            }
            UpstreamAnswer answer = client.generate(permit, new GenerateCommand(job.generationType(), job.prompt(),
                    job.aspectRatio(), job.imageUrl(), job.imageKey()));
            return switch (answer.verdict()) {
                case OK -> accepted(job, answer);
                case UNKNOWN -> {
                    outcomeUnknown(job, answer.message());
                    yield true;
                }
                default -> refused(job, answer);
            };
        } finally {
            MDC.remove("requestId");
        }
    }

    /** What a call that did not succeed means for the job; false when dispatching should stop for this tick. */
    private boolean refused(ClaimedJob job, UpstreamAnswer answer) {
        return switch (answer.verdict()) {
            case INVALID -> {
                jobs.finishClaimed(job, Outcome.rejected(answer.code(), answer.message()));
                yield true;
            }
            // Not the job's fault: it goes back unchanged, and the shared budget now holds the pause.
            case NO_CREDITS, AUTH_FAILED, RATE_LIMITED -> {
                jobs.requeue(job, clock.instant(), false);
                yield false;
            }
            // The circuit breaker refused the call: nothing reached Gempix2.
            case DEFERRED -> {
                jobs.requeue(job, clock.instant(), false);
                quietUntil = answer.retryAt().orElse(clock.instant());
                yield false;
            }
            default -> {
                upstreamFailed(job, answer.code() > 0 ? answer.code() : ErrorCodes.SERVER_ERROR, answer.message());
                yield true;
            }
        };
    }

    /**
     * Puts an image_to_image job's source image on Gempix2: the same bytes uploaded before are used again,
     * others are uploaded with this permit. Either way the job generates on its next turn.
     */
    private boolean uploadSource(ClaimedJob job, Permit.Granted permit) {
        Optional<byte[]> held = sourceJobs.bytesOf(job);
        if (held.isEmpty()) {
            // Not downloaded yet (an operator made it due early): the fetcher does that, without this permit.
            client.release(permit);
            sourceJobs.awaitSource(job);
            return true;
        }
        byte[] bytes = held.get();
        String sha256 = sha256(bytes);
        // Jobs with the same bytes in flight at once: one uploads, the others then find its upload.
        synchronized (uploadLocks[Math.floorMod(sha256.hashCode(), uploadLocks.length)]) {
            return uploadOnce(job, permit, bytes, sha256);
        }
    }

    private boolean uploadOnce(ClaimedJob job, Permit.Granted permit, byte[] bytes, String sha256) {
        Optional<UploadedSource> earlier = uploads.within(sha256, sourceConfig.source().reuseFor());
        if (earlier.isPresent()) {
            client.release(permit);
            jobs.sourceReady(job, earlier.get().imageUrl(), earlier.get().imageKey());
            return true;
        }
        ImageType type = ImageType.detect(bytes).orElseThrow();
        UpstreamAnswer answer = client.upload(permit, bytes, type);
        if (!answer.ok()) {
            return refused(job, answer);
        }
        String imageUrl = answer.data().path("imageUrl").asText("");
        String problem = imageUrls.refuse(imageUrl, "upload");
        if (problem != null) {
            upstreamFailed(job, ErrorCodes.SERVER_ERROR, "upload answer: " + problem);
            return true;
        }
        uploads.uploaded(job, sha256, imageUrl, answer.data().path("imageKey").asText(null));
        Log.infof("Uploaded the source image of %s (%d bytes, %s)", job.requestId(), bytes.length, type);
        return true;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private boolean accepted(ClaimedJob job, UpstreamAnswer answer) {
        String uuid = answer.data().path("uuid").asText("");
        if (!UPSTREAM_UUID.matcher(uuid).matches()) {
            // Gempix2 said success but named no generation this service can store or ask about: whether one exists
            // is unknown (the configured policy decides; each resubmission uses one of the job's attempts).
            registry.counter("gempix2.upstream.answers.refused", "field", "uuid", "via", "submit").increment();
            outcomeUnknown(job, uuid.isEmpty() ? "success answer without a uuid"
                    : "success answer with an unusable uuid of " + uuid.length() + " characters");
            return true;
        }
        storeUuid(job, uuid);
        Log.infof("Submitted %s as %s (attempt %d)", job.requestId(), uuid, job.attempt());
        return true;
    }

    /**
     * Stores the uuid of an accepted submission, trying again while the database cannot be reached (for
     * {@link #STORE_RETRY_FOR} at most): a generation exists, and a job whose uuid is not stored would be submitted
     * again once its lease ran out. The lease is renewed meanwhile, and nobody takes it over before a lease has
     * passed since the database came back. Any other failure is not retried: the lease recovery decides.
     */
    private void storeUuid(ClaimedJob job, String uuid) {
        Duration wait = STORE_RETRY_FIRST;
        Instant giveUpAt = clock.instant().plus(STORE_RETRY_FOR);
        while (true) {
            try {
                jobs.submitted(job, uuid);
                return;
            } catch (RuntimeException e) {
                if (!outages.noteIfLost(e) || clock.instant().isAfter(giveUpAt)) {
                    throw e;
                }
                Log.warnf("Could not store that %s was accepted as %s (%s): trying again in %s", job.requestId(), uuid,
                        e.getMessage(), wait);
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while storing the uuid " + uuid, e);
            }
            wait = wait.multipliedBy(2).compareTo(STORE_RETRY_MAX) > 0 ? STORE_RETRY_MAX : wait.multipliedBy(2);
        }
    }

    private void outcomeUnknown(ClaimedJob job, String why) {
        registry.counter("gempix2.submit.unknown", "policy", config.submitUnknownPolicy().name().toLowerCase(),
                "cause", "no-answer").increment();
        if (config.submitUnknownPolicy() == SubmitUnknownPolicy.FAIL) {
            jobs.finishClaimed(job, Outcome.failed(ErrorCodes.SUBMIT_OUTCOME_UNKNOWN,
                    "the submit call's outcome is unknown: " + why, null));
        } else {
            // Counted even while Gempix2 is failing: the call may have made a generation, so resubmissions are few.
            retryOrFail(job, ErrorCodes.SUBMIT_OUTCOME_UNKNOWN, why);
        }
    }

    /**
     * A call Gempix2 answered with a failure (5000) or that never left. While the circuit breaker is open or probing,
     * Gempix2 is failing everyone: the call was the breaker's probe or one that tripped it, and it does not use up
     * this job's attempts. The job waits out its backoff like any failed attempt, so that the next probe is another
     * job's. Only failures while the breaker sees a working upstream count; the breaker paces the calls meanwhile.
     */
    private void upstreamFailed(ClaimedJob job, int code, String message) {
        if (client.upstreamFailing()) {
            Instant next = clock.instant().plus(backoff.delay(job.attempt(), ThreadLocalRandom.current()::nextDouble));
            if (requeueFailed(job, next, false, code, message)) {
                Log.infof("Submit of %s failed while Gempix2 is failing (%s): no attempt counted, tried again at %s",
                        job.requestId(), message, next);
            }
            return;
        }
        retryOrFail(job, code, message);
    }

    /** Requeues a job after a failed call, or fails it once its calls have failed for the whole retry budget. */
    private boolean requeueFailed(ClaimedJob job, Instant next, boolean countAttempt, int code, String message) {
        Duration budget = config.dispatch().retryBudget();
        return jobs.requeueFailed(job, next, countAttempt, budget, Outcome.failed(code,
                "gave up: Gempix2 failed its calls for longer than the retry budget of " + budget + ": " + message,
                null));
    }

    private void retryOrFail(ClaimedJob job, int code, String message) {
        if (job.attempt() >= config.dispatch().maxAttempts()) {
            jobs.finishClaimed(job, Outcome.failed(code,
                    "gave up after " + job.attempt() + " attempts: " + message, null));
            return;
        }
        Instant next = clock.instant().plus(backoff.delay(job.attempt(), ThreadLocalRandom.current()::nextDouble));
        if (requeueFailed(job, next, true, code, message)) {
            Log.infof("Submit of %s failed (%s), attempt %d of %d, retrying at %s", job.requestId(), message,
                    job.attempt(), config.dispatch().maxAttempts(), next);
        }
    }
}
