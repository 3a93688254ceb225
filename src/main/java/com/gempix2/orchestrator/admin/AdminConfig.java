package com.gempix2.orchestrator.admin;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Who may use the operator API. */
@ConfigMapping(prefix = "gempix2.admin")
public interface AdminConfig {

    /** Accepted Bearer tokens, comma-separated (env GEMPIX2_ADMIN_TOKENS). None: every call is 401. */
    Optional<List<String>> tokens();
}
