package com.gempix2.orchestrator.result;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A result event written with the job's terminal state, waiting to be published. */
@Entity
@Table(name = "outbox_event")
class OutboxEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "request_id", nullable = false)
    String requestId;
    @Column(name = "record_key", nullable = false)
    String recordKey;
    @Column(name = "ce_id", nullable = false)
    String ceId;
    @Column(name = "ce_type", nullable = false)
    String ceType;
    @Column(nullable = false)
    String payload;
    @Column(name = "created_at", nullable = false)
    Instant createdAt;
    @Column(name = "sent_at")
    Instant sentAt;
    @Column(name = "publish_failures", nullable = false)
    int publishFailures;
    /** Until when a relay has it; another relay takes it only once this has passed. */
    @Column(name = "claimed_until")
    Instant claimedUntil;
    /** When the broker refused it for good; null while it is published as usual. */
    @Column(name = "set_aside_at")
    Instant setAsideAt;
    @Column(name = "set_aside_reason")
    String setAsideReason;
}
