package com.gempix2.orchestrator.config;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.WithDefault;

/** How result events are published. */
public interface ResultConfig {

    /** How often the relay looks for unpublished results. */
    @WithDefault("1s")
    Duration interval();

    /** The CloudEvents {@code ce_source} of every result. */
    @WithDefault("urn:gempix2-orchestrator")
    URI source();

    /** Result events published per transaction of the relay. */
    @WithDefault("100")
    int batchSize();

    /**
     * How long the relay waits at most for the broker to answer a batch, renewing its claim meanwhile. The producer
     * answers every send well within it ({@code delivery.timeout.ms}); this only bounds a relay that is never answered.
     */
    @WithDefault("5m")
    Duration sendTimeout();

    /**
     * How long a replica's claim on the events it is publishing lasts without renewal: how long the events of a
     * replica that died wait before another one publishes them. Renewed every third of it while the broker has not
     * answered.
     */
    @WithDefault("15s")
    Duration claim();

    /** The first wait before a result event the broker did not take is sent again; it doubles up to {@link #retryMax()}. */
    @WithDefault("1s")
    Duration retryInitial();

    @WithDefault("30s")
    Duration retryMax();
}
