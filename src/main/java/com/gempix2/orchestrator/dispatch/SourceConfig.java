package com.gempix2.orchestrator.dispatch;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How source images are fetched for image_to_image, and how long an upload is used again. */
@ConfigMapping(prefix = "gempix2")
public interface SourceConfig {

    /** Let sourceImage.url reach private, loopback and link-local addresses (env GEMPIX2_SOURCE_ALLOW_PRIVATE). */
    @WithName("source-allow-private")
    @WithDefault("false")
    boolean allowPrivate();

    /** Accept plain http URLs (local runs and tests). */
    @WithDefault("false")
    boolean allowHttp();

    Source source();

    /** The download's limits. */
    interface Source {

        /** Largest source image: Gempix2's own upload limit. */
        @WithDefault("52428800")
        long maxBytes();

        /** Redirects followed at most; each target is checked like the first URL. */
        @WithDefault("3")
        int maxRedirects();

        /** Connecting to the source's host. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** The whole download. */
        @WithDefault("30s")
        Duration timeout();

        /** How long an upload of the same bytes is used again instead of uploading them once more. */
        @WithDefault("24h")
        Duration reuseFor();
    }
}
