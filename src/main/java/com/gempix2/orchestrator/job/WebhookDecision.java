package com.gempix2.orchestrator.job;

/** What a webhook did to the job it names. */
public enum WebhookDecision {
    /** The job took the webhook's outcome. */
    APPLIED,
    /** The job had its outcome already: nothing changed. */
    ALREADY_FINISHED,
    /** No job has the uuid yet: kept until its submit response is stored. */
    PARKED
}
