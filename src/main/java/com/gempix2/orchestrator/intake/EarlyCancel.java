package com.gempix2.orchestrator.intake;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A cancel message for a requestId not seen yet: the two topics are not ordered with each other. */
@Entity
@Table(name = "early_cancel")
class EarlyCancel {

    @Id
    @Column(name = "request_id")
    private String requestId;
    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    protected EarlyCancel() {
    }

    EarlyCancel(String requestId, Instant receivedAt) {
        this.requestId = requestId;
        this.receivedAt = receivedAt;
    }
}
