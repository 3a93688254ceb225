package com.gempix2.orchestrator.poll;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** When the fallback poller asks Gempix2 about a job whose webhook has not come. */
@ConfigMapping(prefix = "gempix2.poll")
public interface PollConfig {

    /** How often the poller looks for overdue jobs. */
    @WithDefault("5s")
    Duration interval();

    /**
     * How long after submission a webhook counts as overdue and the first poll is made: the
     * expected generation time plus a grace. Polls spend the same quota as submissions.
     */
    @WithDefault("90s")
    Duration firstAfter();

    /** Added to the {@code estimatedTime} a poll reports before polling again. */
    @WithDefault("15s")
    Duration grace();

    /** The shortest interval between two polls of one job; it doubles per poll. */
    @WithDefault("10s")
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

    /** How long a job is reserved for one poller's call. */
    @WithDefault("1m")
    Duration lease();
}
