package com.gempix2.orchestrator.provider;

import com.gempix2.orchestrator.config.ProviderConfig;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

/** The Gempix2 API key, checked at startup: without one the service refuses to start rather than fail every call with 1002. */
@Startup
@Singleton
class ApiKey {

    private final String value;

    ApiKey(ProviderConfig config) {
        this.value = config.apiKey().filter(key -> !key.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "GEMPIX2_API_KEY is not set: set it to the key from the Gempix2 dashboard"));
    }

    String value() {
        return value;
    }
}
