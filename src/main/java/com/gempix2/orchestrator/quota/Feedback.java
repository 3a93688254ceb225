package com.gempix2.orchestrator.quota;

import java.time.Duration;
import java.time.Instant;

/**
 * What one Gempix2 answer says about the account, for {@link RateBudget#feedback}.
 *
 * @param limit X-RateLimit-Limit, or null
 * @param remaining X-RateLimit-Remaining, or null
 * @param remainingUntil until when {@code remaining} holds: X-RateLimit-Reset, or a backoff when it is missing
 * @param callsPausedUntil for {@link Signal#RATE_LIMITED}: when calls may start again
 * @param fromGempix2 the answer carried Gempix2's envelope (not a proxy's page, not a network failure): a
 *        missing header is then Gempix2's own silence
 */
public record Feedback(Integer limit, Integer remaining, Instant remainingUntil, Signal signal,
        Instant callsPausedUntil, boolean fromGempix2) {

    /** A reset further off than this makes no sense for any account. */
    static final Duration SANE_RESET = Duration.ofDays(31);

    /** The call got no answer at all: nothing learned, but a window probe is over. */
    public static final Feedback NO_ANSWER = new Feedback(null, null, null, Signal.NONE, null, false);

    /** What an answer's code means for the account as a whole. */
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

    /** The three headers are there and agree with each other: a window of {@code limit} calls ending at the reset. */
    boolean describesWindow(Instant now) {
        return limit != null && limit >= 1 && remaining != null && remaining >= 0 && remaining <= limit
                && remainingUntil != null && !remainingUntil.isAfter(now.plus(SANE_RESET));
    }
}
