package com.gempix2.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** When the fallback poller asks Gempix2 about a job whose webhook has not come. */
public interface PollConfig {

    /** How often the poller looks for overdue jobs: a cheap indexed query, so that an overdue poll is not late. */
    @WithDefault("1s")
    Duration interval();

    /**
     * How long after submission the first poll waits while no generation time of the job's kind has been
     * learned yet (see {@link Overdue}). Polls spend the same quota as submissions.
     */
    @WithDefault("90s")
    Duration firstAfter();

    /** Added to the {@code estimatedTime} (or what {@code progress} implies) a poll reports before polling again. */
    @WithDefault("2s")
    Duration grace();

    /** The shortest interval between two polls of one job; without an estimate it doubles per poll. */
    @WithDefault("5s")
    Duration minInterval();

    /** The longest interval between two polls of one job. */
    @WithDefault("2m")
    Duration maxInterval();

    /** A job with no outcome this long after submission fails with 9002. */
    @WithDefault("15m")
    Duration maxWait();

    /** Jobs polled at most per tick. */
    @WithDefault("20")
    int batchSize();

    /**
     * How long a job is reserved for one poller's call without renewal: how long the polls a replica that died had
     * claimed wait. Renewed every {@code gempix2.dispatch.lease-renewal} while the call runs.
     */
    @WithDefault("20s")
    Duration lease();

    Overdue overdue();

    /**
     * When a job's webhook counts as overdue: learned per generation type and aspect ratio from the latest
     * outcomes (a webhook's time exactly; a poll's "still running" and estimate as a lower bound).
     */
    interface Overdue {

        /** The quantile of the learned generation times after which, plus the grace, a webhook is overdue. */
        @WithDefault("0.95")
        double quantile();

        /** Added to the quantile: how late a webhook may be after its generation ends. */
        @WithDefault("3s")
        Duration grace();

        /** Outcomes per kind learned from, newest first. */
        @WithDefault("100")
        int sample();

        /** Outcomes a kind needs before its own times are used instead of {@code first-after}. */
        @WithDefault("5")
        int minSamples();

        /** The earliest first poll, however fast generations have been. */
        @WithDefault("2s")
        Duration min();

        /** The latest first poll, however slow generations have been. */
        @WithDefault("10m")
        Duration max();

        /** How often the learned times are read again from the database (they are shared by the replicas). */
        @WithDefault("5s")
        Duration refresh();

        /**
         * Outcomes in a row learned by poll after which the webhooks count as stopped: jobs are then polled when
         * their generations typically end, until a webhook comes again.
         */
        @WithDefault("10")
        int stoppedAfter();
    }
}
