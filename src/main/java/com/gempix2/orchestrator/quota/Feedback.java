package com.gempix2.orchestrator.quota;

import java.time.Instant;

/**
 * What one Gempix2 answer says about the account, for {@link RateBudget#feedback}.
 *
 * @param limit X-RateLimit-Limit, or null
 * @param remaining X-RateLimit-Remaining, or null
 * @param remainingUntil until when {@code remaining} holds: X-RateLimit-Reset, or a backoff when it is missing
 * @param callsPausedUntil for {@link Signal#RATE_LIMITED}: when calls may start again
 */
public record Feedback(Integer limit, Integer remaining, Instant remainingUntil, Signal signal,
        Instant callsPausedUntil) {

    /** What the answer's code means for the account as a whole. */
    public enum Signal {
        NONE,
        /** 1003: no call before {@code callsPausedUntil}. */
        RATE_LIMITED,
        /** 1001: no submission until a probe is accepted. */
        NO_CREDITS,
        /** 1002: no submission until a probe is accepted or an operator resumes. */
        AUTH_FAILED,
        /** A submission was accepted: a pause Gempix2 caused may be over. */
        SUBMISSION_ACCEPTED
    }
}
