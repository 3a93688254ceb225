package com.gempix2.orchestrator.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The rules a request must keep. */
public interface IntakeConfig {

    /** Longest prompt, in characters. */
    @WithName("prompt.max-length")
    @WithDefault("2000")
    int promptMaxLength();

    /** Largest request message; larger ones go to the dead-letter topic. */
    @WithName("intake.max-message-bytes")
    @WithDefault("1048576")
    int maxMessageBytes();

    /** Largest {@code metadata} object, serialised. */
    @WithName("intake.metadata-max-bytes")
    @WithDefault("16384")
    int metadataMaxBytes();
}
