package com.gempix2.orchestrator.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jboss.logging.MDC;

import com.gempix2.orchestrator.job.CompletedVia;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.JobService;
import com.gempix2.orchestrator.job.Outcome;
import com.gempix2.orchestrator.job.PollTarget;
import com.gempix2.orchestrator.provider.GenerationStatus;
import com.gempix2.orchestrator.provider.Gempix2Client;
import com.gempix2.orchestrator.provider.UpstreamAnswer;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The fallback for lost webhooks: polls {@code GET /image-status/{uuid}} for submitted jobs whose
 * webhook is overdue, at growing intervals, and fails jobs that get no outcome in time (9002).
 * Only overdue jobs are polled, because every poll spends a call of the account's quota.
 */
@ApplicationScoped
public class Poller {

    private static final int SWEEP_LIMIT = 100;

    private final JobService jobs;
    private final Gempix2Client client;
    private final PollConfig config;
    private final Clock clock;
    private final java.util.Set<String> unrecognisedStatuses = java.util.concurrent.ConcurrentHashMap.newKeySet();

    Poller(JobService jobs, Gempix2Client client, PollConfig config, Clock clock) {
        this.jobs = jobs;
        this.client = client;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${gempix2.poll.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        jobs.timeOutSubmitted(config.maxWait(), SWEEP_LIMIT);
        for (PollTarget target : jobs.claimDueForPoll(config.firstAfter(), config.lease(), config.batchSize())) {
            MDC.put("requestId", target.requestId());
            MDC.put("uuid", target.uuid());
            try {
                poll(target);
            } finally {
                MDC.remove("requestId");
                MDC.remove("uuid");
            }
        }
    }

    private void poll(PollTarget target) {
        UpstreamAnswer answer = client.status(target.uuid());
        Instant now = clock.instant();
        switch (answer.verdict()) {
            case OK -> {
                GenerationStatus status = Gempix2Client.statusOf(answer);
                jobs.polled(target, outcomeOf(status), now.plus(nextInterval(target.polls() + 1, status)));
            }
            // The poll was not made, or Gempix2 refused the account rather than answered for the job: no poll counted.
            case DEFERRED, RATE_LIMITED, NO_CREDITS, AUTH_FAILED ->
                    jobs.pollDeferred(target, answer.retryAt().filter(now::isBefore).orElse(now.plus(config.minInterval())));
            default -> {
                Log.infof("Poll of %s answered %s (%s)", target.uuid(), answer.verdict(), answer.message());
                jobs.polled(target, Optional.empty(), now.plus(nextInterval(target.polls() + 1, null)));
            }
        }
    }

    private Optional<Outcome> outcomeOf(GenerationStatus status) {
        return switch (status.state()) {
            case COMPLETED -> Optional.of(Outcome.completed(status.imageUrl(), CompletedVia.POLL));
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

    /** Doubles per poll from the minimum, but never before the generation's own estimate (plus grace). */
    Duration nextInterval(int polls, GenerationStatus status) {
        Duration interval = config.minInterval();
        for (int i = 1; i < polls && interval.compareTo(config.maxInterval()) < 0; i++) {
            interval = interval.multipliedBy(2);
        }
        if (status != null && status.estimatedSeconds().isPresent()) {
            Duration estimate = Duration.ofSeconds(status.estimatedSeconds().getAsInt()).plus(config.grace());
            interval = estimate.compareTo(interval) > 0 ? estimate : interval;
        }
        return interval.compareTo(config.maxInterval()) > 0 ? config.maxInterval() : interval;
    }
}
