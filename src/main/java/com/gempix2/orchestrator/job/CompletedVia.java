package com.gempix2.orchestrator.job;

/** How the outcome of a submitted job was learned. */
public enum CompletedVia {

    WEBHOOK, POLL;

    public String wireName() {
        return name().toLowerCase();
    }
}
