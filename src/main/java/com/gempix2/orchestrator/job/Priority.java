package com.gempix2.orchestrator.job;

import java.util.Locale;
import java.util.Optional;

/** A request's priority; the ordinal is the dispatch order (high first). */
public enum Priority {

    HIGH, NORMAL, LOW;

    public static Optional<Priority> parse(String value) {
        for (Priority p : values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
