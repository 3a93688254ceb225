package com.gempix2.orchestrator.job;

import java.time.Instant;

/** A submitted job whose webhook is overdue, leased to one poller. */
public record PollTarget(long id, String requestId, String uuid, int polls, Instant submittedAt) {
}
