package com.gempix2.orchestrator.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * What the poller changes and reads of submitted jobs: polls claimed and recorded, generations that never end,
 * and what past outcomes say of generation times and of the webhooks. Each method is one transaction.
 */
@ApplicationScoped
public class PollJobs {

    private final JobRepository jobs;
    private final JobFinisher finisher;
    private final Clock clock;

    PollJobs(JobRepository jobs, JobFinisher finisher, Clock clock) {
        this.jobs = jobs;
        this.finisher = finisher;
        this.clock = clock;
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

    /** Keeps the leases of the polls running in this replica from running out. */
    @Transactional
    public int renewPollLeases(Collection<PollTarget> polls, Duration lease) {
        return polls.isEmpty() ? 0 : jobs.renewPollLeases(polls, clock.instant().plus(lease));
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
            finisher.finish(job, o);
        });
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
        late.forEach(job -> finisher.finish(job, Outcome.failed(ErrorCodes.GENERATION_TIMED_OUT,
                "no outcome from Gempix2 within " + maxWait.toSeconds() + " s", null)));
        return late.size();
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
}
