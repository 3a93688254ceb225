package com.gempix2.orchestrator.job;

/**
 * Fired synchronously, inside the transaction that made the job terminal, so that observers
 * (the result outbox) write in that same transaction.
 */
public record JobFinished(Job job) {
}
