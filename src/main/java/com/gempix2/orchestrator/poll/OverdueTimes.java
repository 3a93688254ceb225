package com.gempix2.orchestrator.poll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.gempix2.orchestrator.config.PollConfig;
import com.gempix2.orchestrator.job.GenerationKind;
import com.gempix2.orchestrator.job.GenerationTimes;
import com.gempix2.orchestrator.job.PollJobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * When a job's webhook counts as overdue, per generation type and aspect ratio: the high quantile of the
 * kind's learned generation times plus a grace while webhooks work; the typical time while they have stopped,
 * so that a lost webhook costs seconds, not minutes. The times are read from the jobs of every replica (so
 * they are shared and survive restarts), again every {@code poll.overdue.refresh}.
 */
@ApplicationScoped
class OverdueTimes {

    /** The typical generation time, as the webhooks-stopped schedule uses it. */
    private static final double TYPICAL = 0.5;

    private final PollJobs jobs;
    private final PollConfig.Overdue config;
    private final Duration firstAfter;
    private final Clock clock;
    private volatile Map<GenerationKind, GenerationTimes> learned = Map.of();
    private volatile Instant readAt = Instant.MIN;

    OverdueTimes(PollJobs jobs, PollConfig config, Clock clock, MeterRegistry registry) {
        this.jobs = jobs;
        this.config = config.overdue();
        this.firstAfter = config.firstAfter();
        this.clock = clock;
        for (GenerationKind kind : GenerationKind.ALL) {
            Gauge.builder("gempix2.poll.overdue", this, times -> times.firstPollAfter(kind, false).toMillis() / 1000.0)
                    .description("How long after submission a webhook counts as overdue and the first poll is made")
                    .baseUnit("seconds")
                    .tag("generation_type", kind.generationType()).tag("aspect_ratio", kind.aspectRatio())
                    .register(registry);
        }
    }

    /** The first poll's delay for every kind whose times are known; the others wait {@link #otherwise}. */
    Map<GenerationKind, Duration> firstPollAfter(boolean webhooksStopped) {
        Instant now = clock.instant();
        if (!now.isBefore(readAt.plus(config.refresh())) || now.isBefore(readAt)) {
            learned = jobs.generationTimes(TYPICAL, config.quantile(), config.sample(), config.minSamples());
            readAt = now;
        }
        Map<GenerationKind, Duration> after = new LinkedHashMap<>();
        learned.keySet().forEach(kind -> after.put(kind, firstPollAfter(kind, webhooksStopped)));
        return after;
    }

    /** Before a kind's times are known: {@code first-after}; with webhooks stopped, soon (a poll's estimate follows). */
    Duration otherwise(boolean webhooksStopped) {
        return webhooksStopped ? config.min() : firstAfter;
    }

    private Duration firstPollAfter(GenerationKind kind, boolean webhooksStopped) {
        GenerationTimes times = learned.get(kind);
        if (times == null) {
            return otherwise(webhooksStopped);
        }
        Duration after = webhooksStopped ? times.typical() : times.high().plus(config.grace());
        if (after.compareTo(config.min()) < 0) {
            return config.min();
        }
        return after.compareTo(config.max()) > 0 ? config.max() : after;
    }
}
