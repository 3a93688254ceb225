package com.gempix2.orchestrator.job;

import java.util.List;
import java.util.Set;

/**
 * Cancel messages that came before their request (the two topics are not ordered with each other), kept by the
 * intake. Both methods run inside the caller's transaction, under the requestIds' locks.
 */
public interface EarlyCancels {

    /** Remembers a cancel for a requestId not stored yet. */
    void remember(String requestId);

    /** Removes the cancels that came before any of {@code requestIds}, and names them. */
    Set<String> take(List<String> requestIds);
}
