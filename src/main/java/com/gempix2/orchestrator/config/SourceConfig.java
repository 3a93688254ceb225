package com.gempix2.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How source images are fetched for image_to_image, and how long an upload is used again. */
public interface SourceConfig {

    /** Let sourceImage.url reach private, loopback and link-local addresses (env GEMPIX2_SOURCE_ALLOW_PRIVATE). */
    @WithName("source-allow-private")
    @WithDefault("false")
    boolean allowPrivate();

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

        /** Downloads in progress at once, per replica, on threads of their own (never the dispatcher's). */
        @WithDefault("4")
        int concurrency();

        /** Of those, at most this many from one host: a slow host holds up only its own downloads. */
        @WithDefault("2")
        int perHost();

        /** A download slower than this on average, past {@link #minRateAfter()}, is cut off and tried later. */
        @WithDefault("16384")
        long minBytesPerSecond();

        @WithDefault("5s")
        Duration minRateAfter();

        /** Source bytes held at most for uploads still to be made, across replicas. */
        @WithDefault("1073741824")
        long heldMaxBytes();

        /** Of those, at most this many for one tenant. */
        @WithDefault("268435456")
        long heldMaxBytesPerTenant();

        /** When there is no room for a downloaded image, the download is tried again after this. */
        @WithDefault("30s")
        Duration fullRetry();

        /** How long an upload of the same bytes is used again instead of uploading them once more. */
        @WithDefault("24h")
        Duration reuseFor();
    }
}
