package com.gempix2.orchestrator.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Who may call the webhook route, and what it accepts. */
@ConfigMapping(prefix = "gempix2")
public interface WebhookConfig {

    /** Accepted {@code ?token=} secrets, comma-separated; two during a rotation. None: every call is 401. */
    Optional<List<String>> webhookTokens();

    /** Accept plain-http image URLs (local runs against the simulator). */
    @WithDefault("false")
    boolean allowHttp();

    Webhook webhook();

    /** The receiver's limits. */
    interface Webhook {

        /** Largest accepted body; larger ones are answered 413. */
        @WithDefault("65536")
        int maxBodyBytes();

        /** How long a webhook for an unknown uuid is kept for late matching. */
        @WithDefault("1h")
        Duration parkTtl();
    }
}
