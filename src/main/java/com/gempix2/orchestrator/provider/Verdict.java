package com.gempix2.orchestrator.provider;

/** What a call to Gempix2 came to, by the error taxonomy the callers act on. */
public enum Verdict {
    /** code 0. */
    OK,
    /** 1000: the request itself is wrong; terminal. */
    INVALID,
    /** 1001: the account is out of credits; pause submissions. */
    NO_CREDITS,
    /** 1002: the API key is refused; pause everything, an operator must act. */
    AUTH_FAILED,
    /** 1003: over the upstream's limit; nothing until the reset. */
    RATE_LIMITED,
    /** 5000, another code, a non-JSON answer: transient, retry with backoff. */
    SERVER_ERROR,
    /** This service did not make the call (no permit left, upstream paused): try again at {@code retryAt}. */
    DEFERRED,
    /** The connection was refused or never made: the request did not leave, safe to retry. */
    NOT_SENT,
    /** The request may have reached Gempix2 but no answer came (timeout, broken connection). */
    UNKNOWN
}
