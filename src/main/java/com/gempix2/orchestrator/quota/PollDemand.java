package com.gempix2.orchestrator.quota;

/**
 * How many jobs the poller has started on (a poll made, due or deferred), counted up to a cap: what the budget holds
 * permits back for. The jobs are not the budget's to read; their owner answers.
 */
public interface PollDemand {

    /** The jobs awaiting a poll, counting stops at {@code atMost}; called inside the budget's transaction. */
    long awaitingPolls(int atMost);
}
