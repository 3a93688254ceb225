package com.gempix2.orchestrator.support;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.quarkus.logging.Log;

/**
 * The claims whose calls run in this replica, from a call's start until its answer is stored. A scheduled renewal
 * moves their leases on, so that only the leases of a replica that died run out. Used by the dispatcher (submit
 * calls) and the poller (status calls).
 */
public final class RunningClaims<T> {

    private final Set<T> running = ConcurrentHashMap.newKeySet();
    private final String what;

    /** {@code what} names the calls in a log line: "submit calls", "polls". */
    public RunningClaims(String what) {
        this.what = what;
    }

    public void started(T claim) {
        running.add(claim);
    }

    public void ended(T claim) {
        running.remove(claim);
    }

    /** Renews the leases of the claims running now; a failure is logged and handed back for the caller to weigh. */
    public Optional<RuntimeException> renew(Consumer<List<T>> renewal) {
        if (running.isEmpty()) {
            return Optional.empty();
        }
        try {
            renewal.accept(List.copyOf(running));
            return Optional.empty();
        } catch (RuntimeException e) {
            Log.warnf("Could not renew the leases of %d running %s: %s", running.size(), what, e.getMessage());
            return Optional.of(e);
        }
    }
}
