package com.gempix2.orchestrator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * Every {@code gempix2.*} setting, in one tree: the groups whose keys sit directly under {@code gempix2.} (the
 * names the contract fixed first) are marked {@link WithParentName}; the others have a prefix of their own. Each
 * feature gets just its group, produced by {@link ConfigGroups}.
 */
@ConfigMapping(prefix = "gempix2")
public interface Gempix2Config {

    /**
     * Accept plain-http URLs wherever an image URL is taken in (requests' source images, webhooks, Gempix2's
     * answers): for local runs and tests against the simulator.
     */
    @WithDefault("false")
    boolean allowHttp();

    /** {@code base-url}, {@code api-key}, {@code rate-limited-backoff}. */
    @WithParentName
    ProviderConfig provider();

    /** {@code rate-limit-per-hour}, {@code rate-limit-window}, {@code quota.*}. */
    @WithParentName
    QuotaConfig quota();

    /** {@code submit-unknown-policy}, {@code dispatch.*}. */
    @WithParentName
    DispatchConfig dispatch();

    /** {@code source-allow-private}, {@code source.*}. */
    @WithParentName
    SourceConfig source();

    /**
     * {@code webhook-tokens}, {@code webhook-signing-secret}, {@code webhook-confirm}, {@code webhook-image-hosts},
     * {@code webhook.*}.
     */
    @WithParentName
    WebhookConfig webhook();

    /** {@code prompt.max-length}, {@code intake.*}. */
    @WithParentName
    IntakeConfig intake();

    OperatorConfig operator();

    PollConfig poll();

    ResultConfig results();

    RetentionConfig retention();

    TenantConfig tenants();

    TopicsConfig topics();
}
