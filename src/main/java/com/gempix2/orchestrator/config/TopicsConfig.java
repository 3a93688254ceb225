package com.gempix2.orchestrator.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * The topics' names. No code reads them: the channels' {@code topic} settings in application.properties do, and
 * they are declared here so that a misspelt {@code gempix2.topics.*} key stops the start like any other.
 */
public interface TopicsConfig {

    /** Where business systems post generation requests. */
    @WithDefault("gempix2-requests")
    String requests();

    /** Where the one result of each request is published. */
    @WithDefault("gempix2-results")
    String results();

    /** Where unreadable request messages go, with their reason. */
    @WithName("dead-letter")
    @WithDefault("gempix2-requests-dlq")
    String deadLetter();

    /** Where business systems post cancels. */
    @WithDefault("gempix2-cancellations")
    String cancellations();
}
