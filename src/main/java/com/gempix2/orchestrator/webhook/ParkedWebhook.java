package com.gempix2.orchestrator.webhook;

import java.time.Instant;

import com.gempix2.orchestrator.job.CompletedVia;
import com.gempix2.orchestrator.job.ErrorCodes;
import com.gempix2.orchestrator.job.IncomingWebhook;
import com.gempix2.orchestrator.job.JobStatus;
import com.gempix2.orchestrator.job.Outcome;

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

    ParkedWebhook(IncomingWebhook webhook, Instant receivedAt) {
        this.uuid = webhook.uuid();
        this.event = webhook.outcome().status().name();
        this.imageUrl = webhook.outcome().imageUrl();
        this.reason = webhook.outcome().errorMessage();
        this.receivedAt = receivedAt;
        this.confirm = webhook.confirm();
    }

    /** The webhook as it came (its delivery id, if it had one, is remembered apart). */
    IncomingWebhook webhook() {
        return new IncomingWebhook(uuid, outcome(), null, confirm);
    }

    private Outcome outcome() {
        return JobStatus.valueOf(event) == JobStatus.COMPLETED
                ? Outcome.completed(imageUrl, CompletedVia.WEBHOOK)
                : Outcome.failed(ErrorCodes.SERVER_ERROR, reason, CompletedVia.WEBHOOK);
    }
}
