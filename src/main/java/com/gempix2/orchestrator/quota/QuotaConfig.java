package com.gempix2.orchestrator.quota;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The account's rate limit, as the operator knows it from the Gempix2 tier. */
@ConfigMapping(prefix = "gempix2")
public interface QuotaConfig {

    /** Calls per window the API key allows (tiers: 10, 100, 500; or custom). */
    @WithName("rate-limit-per-hour")
    @WithDefault("100")
    int rateLimit();

    /** The window the limit counts over; an hour for every Gempix2 tier. */
    @WithName("rate-limit-window")
    @WithDefault("1h")
    Duration window();
}
