package com.gempix2.orchestrator.job;

/**
 * Fired inside the transaction that queued new jobs; observed once it has committed, so that dispatch takes them at
 * once rather than at its next tick.
 */
public record JobsQueued(int count) {
}
