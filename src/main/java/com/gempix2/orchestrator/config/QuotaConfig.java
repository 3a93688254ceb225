package com.gempix2.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The account's rate limit, as the operator knows it from the Gempix2 tier, and how the budget is shared. */
public interface QuotaConfig {

    /**
     * Calls per window the API key allows (tiers: 10, 100, 500; or custom). The prior: Gempix2's rate-limit
     * headers replace it, and the window below, as soon as it has answered with them.
     */
    @WithName("rate-limit-per-hour")
    @WithDefault("100")
    int rateLimit();

    /** The window the configured limit counts over; an hour for every Gempix2 tier. */
    @WithName("rate-limit-window")
    @WithDefault("1h")
    Duration window();

    Quota quota();

    /** How the budget is spent. */
    interface Quota {

        /**
         * Share of the limit held back for status polls while jobs await their outcome, so that a backlog
         * of new requests cannot starve the jobs already running. Never more than the number of such jobs.
         */
        @WithDefault("0.1")
        double pollShare();

        /**
         * Added to the window before a permit is free again: covers the time between taking a permit and
         * the call reaching Gempix2, and clock differences between replicas.
         */
        @WithDefault("1s")
        Duration margin();

        /** How long submissions stay paused after 1001 (credits) or 1002 (key) before one probe is let through. */
        @WithDefault("60s")
        Duration probeInterval();

        /**
         * Once Gempix2's window has reset, one call goes out alone and its answer says what the new window
         * holds; past this time without that answer, another call may take its place.
         */
        @WithDefault("40s")
        Duration windowProbeTimeout();
    }
}
