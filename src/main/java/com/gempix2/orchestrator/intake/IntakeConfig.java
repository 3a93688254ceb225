package com.gempix2.orchestrator.intake;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The rules a request must keep. */
@ConfigMapping(prefix = "gempix2")
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

    /** Accept plain-http image URLs (local runs against the simulator). */
    @WithDefault("false")
    boolean allowHttp();
}
