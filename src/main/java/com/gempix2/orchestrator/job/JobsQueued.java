package com.gempix2.orchestrator.job;

/**
 * Fired inside a transaction that made jobs due at once (new ones stored, a source image downloaded, an operator's
 * retry); observed once it has committed, so that dispatch takes them at once rather than at its next tick.
 */
public record JobsQueued(int count) {
}
