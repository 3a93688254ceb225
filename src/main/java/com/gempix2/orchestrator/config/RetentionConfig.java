package com.gempix2.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** How long what is finished is kept, and how it is purged. */
public interface RetentionConfig {

    /** How often a purge runs (on one replica at a time). */
    @WithDefault("5m")
    Duration interval();

    /** How long after start the first purge runs. */
    @WithDefault("1m")
    Duration firstAfter();

    /** Rows deleted per transaction: small, so that no purge holds locks or the database for long. */
    @WithDefault("1000")
    int batchSize();

    /** Finished jobs whose result is published, counted from their end. */
    @WithDefault("30d")
    Duration jobs();

    /** The requestIds (and payload hashes) of purged jobs, still answered as duplicates. */
    @WithDefault("365d")
    Duration requestIds();

    /** Published result events (the job keeps what is needed to publish it again). */
    @WithDefault("7d")
    Duration results();

    /** Webhook delivery ids, against which a redelivery is recognised. */
    @WithDefault("1d")
    Duration webhookDeliveries();

    /** When each tenant was last served: a tenant idle this long starts again as a new one. */
    @WithDefault("7d")
    Duration tenantTurns();

    /** Records of uploads, beyond the time they are used again ({@code gempix2.source.reuse-for}). */
    @WithDefault("1d")
    Duration uploads();

    /** Cancel messages whose request never came. */
    @WithDefault("1d")
    Duration earlyCancels();
}
