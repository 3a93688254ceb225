package com.gempix2.orchestrator.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The queue of injected faults, consumed in the order they were added. */
final class Faults {

    private final List<Fault> pending = new ArrayList<>();

    synchronized void add(Fault fault) {
        pending.add(fault);
    }

    /** Takes one use of the oldest fault aimed at {@code endpoint}, if there is one. */
    synchronized Optional<Fault> take(Endpoint endpoint) {
        for (int i = 0; i < pending.size(); i++) {
            Fault fault = pending.get(i);
            if (fault.target() == endpoint) {
                if (fault.count() == 1) {
                    pending.remove(i);
                } else {
                    pending.set(i, fault.withCount(fault.count() - 1));
                }
                return Optional.of(fault);
            }
        }
        return Optional.empty();
    }

    /** The faults still to come, each with the number of calls it will still answer. */
    synchronized List<Fault> pending() {
        return List.copyOf(pending);
    }

    synchronized void clear() {
        pending.clear();
    }
}
