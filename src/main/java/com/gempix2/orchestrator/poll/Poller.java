package com.gempix2.orchestrator.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.MDC;

import com.gempix2.orchestrator.config.PollConfig;
import com.gempix2.orchestrator.dispatch.CallSlots;
import com.gempix2.orchestrator.job.CompletedVia;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.Outcome;
import com.gempix2.orchestrator.job.PollJobs;
import com.gempix2.orchestrator.job.PollTarget;
import com.gempix2.orchestrator.provider.Gempix2Client;
import com.gempix2.orchestrator.provider.GenerationStatus;
import com.gempix2.orchestrator.provider.UpstreamAnswer;
import com.gempix2.orchestrator.support.RunningClaims;
import com.gempix2.orchestrator.webhook.ImageUrls;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The fallback for lost webhooks: polls {@code GET /image-status/{uuid}} for submitted jobs whose webhook is
 * overdue ({@link OverdueTimes}), then as each poll's estimate says, and fails jobs that get no outcome in
 * time (9002). Only overdue jobs are polled, because every poll spends a call of the account's quota; the polls
 * of a tick run in parallel on the replica's places for calls ({@link CallSlots}).
 */
@ApplicationScoped
public class Poller {

    private static final int SWEEP_LIMIT = 100;

    private final PollJobs jobs;
    private final Gempix2Client client;
    private final PollConfig config;
    private final OverdueTimes overdue;
    private final WebhookWatch webhooks;
    private final CallSlots calls;
    private final Clock clock;
    private final ImageUrls imageUrls;
    private final Set<String> unrecognisedStatuses = ConcurrentHashMap.newKeySet();
    /** The polls whose calls run here: their leases are renewed until the answer is stored. */
    private final RunningClaims<PollTarget> running = new RunningClaims<>("polls");

    Poller(PollJobs jobs, Gempix2Client client, PollConfig config, OverdueTimes overdue, WebhookWatch webhooks,
            CallSlots calls, Clock clock, ImageUrls imageUrls) {
        this.jobs = jobs;
        this.client = client;
        this.config = config;
        this.overdue = overdue;
        this.webhooks = webhooks;
        this.calls = calls;
        this.clock = clock;
        this.imageUrls = imageUrls;
    }

    @Scheduled(every = "${gempix2.poll.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        jobs.timeOutSubmitted(config.maxWait(), SWEEP_LIMIT);
        boolean stopped = webhooks.refresh();
        // Polls are calls like submissions: each takes one of the replica's places for calls in flight, as they
        // free, until nothing more is due or most of the interval is over (ending later, the next trigger would
        // find this tick running and be skipped).
        Instant handBack = clock.instant().plus(config.interval().multipliedBy(3).dividedBy(4));
        while (!calls.stopping() && clock.instant().isBefore(handBack)) {
            int places = calls.awaitFree(config.batchSize(), handBack);
            if (places == 0) {
                return;
            }
            int started = 0;
            try {
                List<PollTarget> due = jobs.claimDueForPoll(overdue.firstPollAfter(stopped),
                        overdue.otherwise(stopped), config.lease(), places);
                for (; started < due.size(); started++) {
                    PollTarget target = due.get(started);
                    calls.start(() -> pollLogged(target));
                }
                if (due.size() < places) {
                    return;
                }
            } finally {
                // A target claimed but not started keeps its lease: it is polled when that runs out.
                calls.giveBack(places - started);
            }
        }
    }

    /**
     * Moves on the leases of the polls running here (on the dispatcher's cadence), so that a slow status call is not
     * made a second time by another replica; those of a replica that died run out a lease after its last renewal.
     */
    @Scheduled(every = "${gempix2.dispatch.lease-renewal}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void renewLeases() {
        running.renew(held -> jobs.renewPollLeases(held, config.lease()));
    }

    private void pollLogged(PollTarget target) {
        running.started(target);
        MDC.put("requestId", target.requestId());
        MDC.put("uuid", target.uuid());
        try {
            poll(target);
        } catch (RuntimeException e) {
            // Its lease runs out and it is polled again then.
            Log.errorf(e, "Polling %s failed unexpectedly", target.uuid());
        } finally {
            running.ended(target);
            MDC.remove("requestId");
            MDC.remove("uuid");
        }
    }

    private void poll(PollTarget target) {
        UpstreamAnswer answer = client.status(target.uuid());
        Instant now = clock.instant();
        switch (answer.verdict()) {
            case OK -> {
                GenerationStatus status = Gempix2Client.statusOf(answer);
                Optional<Outcome> outcome = outcomeOf(status);
                Duration elapsed = Duration.between(target.submittedAt(), now);
                Duration rest = remaining(status, elapsed);
                // Still running: it takes at least this long, which is what the next webhook's deadline learns.
                Duration runsAtLeast = outcome.isPresent() ? null : rest == null ? elapsed : elapsed.plus(rest);
                jobs.polled(target, outcome, now.plus(nextInterval(target.polls() + 1, rest)), runsAtLeast);
            }
            // The poll was not made, or Gempix2 refused the account rather than answered for the job: no poll counted.
            case DEFERRED, RATE_LIMITED, NO_CREDITS, AUTH_FAILED ->
                jobs.pollDeferred(target,
                        answer.retryAt().filter(now::isBefore).orElse(now.plus(config.minInterval())));
            default -> {
                Log.infof("Poll of %s answered %s (%s)", target.uuid(), answer.verdict(), answer.message());
                jobs.polled(target, Optional.empty(), now.plus(nextInterval(target.polls() + 1, null)), null);
            }
        }
    }

    private Optional<Outcome> outcomeOf(GenerationStatus status) {
        return switch (status.state()) {
            case COMPLETED -> {
                String problem = imageUrls.refuse(status.imageUrl(), "poll");
                if (problem != null) {
                    // Not trusted, not published: polled again until Gempix2 gives a usable one or the wait ends.
                    Log.warnf("Gempix2 reported %s completed with an unusable imageUrl (%s)", status.uuid(), problem);
                    yield Optional.empty();
                }
                yield Optional.of(Outcome.completed(status.imageUrl(), CompletedVia.POLL));
            }
            case FAILED -> Optional.of(Outcome.failed(ErrorCodes.SERVER_ERROR,
                    status.error() == null ? "Gempix2 reported the generation as failed" : status.error(),
                    CompletedVia.POLL));
            case UNRECOGNISED -> {
                if (unrecognisedStatuses.add(status.rawStatus())) {
                    Log.errorf("Gempix2 reported an unknown status '%s'; treating it as still running",
                            status.rawStatus());
                }
                yield Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    /**
     * What is left of a running generation by Gempix2's word: its {@code estimatedTime}, else what its
     * {@code progress} after {@code elapsed} implies; null when it says neither (or it is over).
     */
    static Duration remaining(GenerationStatus status, Duration elapsed) {
        if (status.state() == GenerationStatus.State.COMPLETED || status.state() == GenerationStatus.State.FAILED) {
            return null;
        }
        if (status.estimatedSeconds().isPresent()) {
            return Duration.ofSeconds(Math.max(0, status.estimatedSeconds().getAsInt()));
        }
        int progress = status.progress().orElse(0);
        if (progress > 0 && progress < 100) {
            return elapsed.multipliedBy(100 - progress).dividedBy(progress);
        }
        return null;
    }

    /**
     * The generation's own estimate of what is left, plus the grace; without one, doubling per poll from the
     * minimum. Always between the minimum and the maximum interval.
     */
    Duration nextInterval(int polls, Duration rest) {
        Duration interval = config.minInterval();
        if (rest != null) {
            interval = rest.plus(config.grace());
        } else {
            for (int i = 1; i < polls && interval.compareTo(config.maxInterval()) < 0; i++) {
                interval = interval.multipliedBy(2);
            }
        }
        if (interval.compareTo(config.minInterval()) < 0) {
            return config.minInterval();
        }
        return interval.compareTo(config.maxInterval()) > 0 ? config.maxInterval() : interval;
    }
}
