package com.gempix2.orchestrator.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** Where the operator API listens and who may use it. */
public interface OperatorConfig {

    /**
     * The operator API's own port (env GEMPIX2_OPERATOR_PORT). The public port never answers {@code /api/...}, and
     * this one never answers the webhook.
     */
    @WithDefault("8081")
    int port();

    /** The interface it binds to (env GEMPIX2_OPERATOR_HOST). */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * Who may call, as {@code name:role:secret} entries, comma-separated (env GEMPIX2_OPERATOR_TOKENS), the role
     * {@code viewer} (reads) or {@code operator} (reads and changes). The secret is the Bearer token; the name is
     * what the audit log shows. None: every call is refused with 401.
     */
    Optional<List<String>> tokens();
}
