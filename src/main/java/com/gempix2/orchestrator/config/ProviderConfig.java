package com.gempix2.orchestrator.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** How the service reaches Gempix2. */
public interface ProviderConfig {

    /** Upstream base URL; the REST client reads it as {@code quarkus.rest-client.gempix2.url}. */
    @WithDefault("https://gempix2ai.site/api")
    String baseUrl();

    /** The Bearer key; required. */
    Optional<String> apiKey();

    /** How long all calls stop after a 1003 that carried neither Retry-After nor X-RateLimit-Reset. */
    @WithName("rate-limited-backoff")
    @WithDefault("60s")
    Duration rateLimitedBackoff();
}
