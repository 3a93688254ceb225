package com.gempix2.orchestrator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Who may call the webhook route, what it accepts, and how far a completion is trusted. */
public interface WebhookConfig {

    /** Accepted {@code ?token=} secrets, comma-separated; two during a rotation. None: every call is 401. */
    Optional<List<String>> webhookTokens();

    /**
     * Standard Webhooks secret ({@code whsec_...}): a webhook carrying {@code webhook-signature} must
     * verify against it. Gempix2 itself does not sign, so unsigned webhooks are still accepted by token.
     */
    Optional<String> webhookSigningSecret();

    /** Re-read {@code GET /image-status/{uuid}} before trusting a webhook's outcome: never, always, when-unsigned. */
    @WithDefault("never")
    ConfirmPolicy webhookConfirm();

    /** Host suffixes a completion's imageUrl must be on, comma-separated; none: any https host. */
    Optional<List<String>> webhookImageHosts();

    Webhook webhook();

    /** The receiver's limits. */
    interface Webhook {

        /** Largest accepted body; larger ones are answered 413. */
        @WithDefault("65536")
        int maxBodyBytes();

        /** How long a webhook for an unknown uuid is kept for late matching. */
        @WithDefault("1h")
        Duration parkTtl();

        /** How many webhooks for unknown uuids are kept at most; past it they are answered 503. */
        @WithDefault("10000")
        int parkMax();
    }

    /** When a completion is re-read from Gempix2 before it is published. */
    enum ConfirmPolicy {
        NEVER, ALWAYS, WHEN_UNSIGNED
    }
}
