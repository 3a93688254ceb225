package com.gempix2.orchestrator.webhook;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A signed webhook's {@code webhook-id}, kept so that a replay of it has no second effect. */
@Entity
@Table(name = "webhook_delivery")
class WebhookDelivery {

    @Id
    private String id;
    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    protected WebhookDelivery() {
    }

    WebhookDelivery(String id, Instant receivedAt) {
        this.id = id;
        this.receivedAt = receivedAt;
    }
}
