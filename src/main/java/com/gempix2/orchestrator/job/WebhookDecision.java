package com.gempix2.orchestrator.job;

/** What a webhook did to the job it names. */
public enum WebhookDecision {
    /** The job took the webhook's outcome. */
    APPLIED,
    /** The job had its outcome already: nothing changed. */
    ALREADY_FINISHED,
    /** No job has the uuid yet: kept until its submit response is stored. */
    PARKED,
    /** No job has the uuid yet, and the parking space is full: nothing was kept. */
    PARK_FULL,
    /** This signed delivery ({@code webhook-id}) was seen before: a replay, nothing changed. */
    DUPLICATE_DELIVERY,
    /** The completion could not be confirmed now: the job is polled at once instead. */
    CONFIRMING
}
