package com.gempix2.orchestrator.job;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A webhook whose uuid was not known yet: the submit response may still be on its way. */
@Entity
@Table(name = "parked_webhook")
class ParkedWebhook {

    @Id
    private String uuid;
    @Column(nullable = false)
    private String event;
    @Column(name = "image_url")
    private String imageUrl;
    private String reason;
    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;
    @Column(nullable = false)
    private boolean confirm;

    protected ParkedWebhook() {
    }

    ParkedWebhook(String uuid, Outcome outcome, Instant receivedAt, boolean confirm) {
        this.uuid = uuid;
        this.event = outcome.status().name();
        this.imageUrl = outcome.imageUrl();
        this.reason = outcome.errorMessage();
        this.receivedAt = receivedAt;
        this.confirm = confirm;
    }

    /** The completion must be re-read from Gempix2 before it is trusted. */
    boolean confirm() {
        return confirm;
    }

    Outcome outcome() {
        return JobStatus.valueOf(event) == JobStatus.COMPLETED
                ? Outcome.completed(imageUrl, CompletedVia.WEBHOOK)
                : Outcome.failed(ErrorCodes.SERVER_ERROR, reason, CompletedVia.WEBHOOK);
    }
}
