package com.gempix2.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/** How queued jobs are claimed and submitted. */
public interface DispatchConfig {

    /** {@code resubmit} or {@code fail} (9004) for a submission whose outcome is unknown. */
    @WithDefault("resubmit")
    SubmitUnknownPolicy submitUnknownPolicy();

    Dispatch dispatch();

    /** The dispatcher's own settings. */
    interface Dispatch {

        /** How often the dispatcher looks for queued jobs. */
        @WithDefault("1s")
        Duration interval();

        /**
         * Upstream calls (submissions, uploads) this replica keeps in flight at once. Permits and claims are taken
         * for as many as there are free places, so that the budget, not the answer time, bounds the rate.
         */
        @WithDefault("8")
        int concurrency();

        /**
         * How long a claimed job is reserved without renewal; past it the call counts as interrupted and another
         * replica takes the job over. Renewed every {@link #leaseRenewal()} while the call runs, so this is how long
         * the jobs of a replica that died wait, not a bound on a call.
         */
        @WithDefault("15s")
        Duration lease();

        /** How often a replica renews the leases of the calls it is making; at most a third of the lease. */
        @WithDefault("5s")
        Duration leaseRenewal();

        /** Submit attempts (5000, network errors, unknown outcomes) before a job fails. */
        @WithDefault("5")
        int maxAttempts();

        /**
         * How long a job's calls may keep failing, counted from the first failed one, before it fails: the bound on
         * the failures that use no attempt (those while the circuit breaker is open or probing).
         */
        @WithDefault("30m")
        Duration retryBudget();

        /** The first retry's delay ceiling; it doubles per attempt. */
        @WithDefault("2s")
        Duration backoffInitial();

        /** The largest retry delay. */
        @WithDefault("5m")
        Duration backoffMax();
    }
}
