package com.gempix2.orchestrator.result;

import java.time.Instant;

/** A result event the broker refused for good, kept until an operator retries it. */
public record SetAsideResult(String requestId, String ceId, Instant createdAt, Instant setAsideAt, String reason) {
}
