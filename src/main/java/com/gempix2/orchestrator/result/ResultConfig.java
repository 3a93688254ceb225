package com.gempix2.orchestrator.result;

import java.net.URI;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How result events are published. */
@ConfigMapping(prefix = "gempix2.results")
interface ResultConfig {

    /** How often the relay looks for unpublished results. */
    @WithDefault("1s")
    Duration interval();

    /** The CloudEvents {@code ce_source} of every result. */
    @WithDefault("urn:gempix2-orchestrator")
    URI source();

    /** Result events published per transaction of the relay. */
    @WithDefault("100")
    int batchSize();

    /** How long the relay waits for the broker to acknowledge a batch before trying again later. */
    @WithDefault("30s")
    Duration sendTimeout();
}
