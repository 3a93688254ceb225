package com.gempix2.orchestrator.dispatch;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A source image uploaded to Gempix2, by the SHA-256 of its bytes: the same bytes are not uploaded twice. */
@Entity
@Table(name = "uploaded_source")
class UploadedSource {

    @Id
    private String sha256;
    @Column(name = "image_url", nullable = false)
    private String imageUrl;
    @Column(name = "image_key")
    private String imageKey;
    @Column(name = "uploaded_at", nullable = false)
    private Instant uploadedAt;

    protected UploadedSource() {
    }

    String imageUrl() {
        return imageUrl;
    }

    String imageKey() {
        return imageKey;
    }

    Instant uploadedAt() {
        return uploadedAt;
    }
}
