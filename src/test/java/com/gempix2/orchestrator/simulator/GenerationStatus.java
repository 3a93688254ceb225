package com.gempix2.orchestrator.simulator;

import java.util.Locale;

/** The status values of a generation, as the API spells them. */
enum GenerationStatus {

    PENDING, PROCESSING, COMPLETED, FAILED;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean isTerminal() {
        return this == COMPLETED || this == FAILED;
    }
}
