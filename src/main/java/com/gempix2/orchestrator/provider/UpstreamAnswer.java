package com.gempix2.orchestrator.provider;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** One Gempix2 call's answer, classified; {@code retryAt} says when trying again makes sense. */
public record UpstreamAnswer(Verdict verdict, int code, String message, JsonNode data, Optional<Instant> retryAt) {

    static UpstreamAnswer deferred(String why, Instant retryAt) {
        return new UpstreamAnswer(Verdict.DEFERRED, -1, why, MissingNode.getInstance(), Optional.of(retryAt));
    }

    static UpstreamAnswer notSent(String why) {
        return new UpstreamAnswer(Verdict.NOT_SENT, -1, why, MissingNode.getInstance(), Optional.empty());
    }

    static UpstreamAnswer unknown(String why) {
        return new UpstreamAnswer(Verdict.UNKNOWN, -1, why, MissingNode.getInstance(), Optional.empty());
    }

    public boolean ok() {
        return verdict == Verdict.OK;
    }

    /** The upstream failed, rather than answered no: what the circuit breaker counts. */
    boolean outage() {
        return verdict == Verdict.SERVER_ERROR || verdict == Verdict.NOT_SENT || verdict == Verdict.UNKNOWN;
    }
}
