package com.gempix2.orchestrator.provider;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

/**
 * The Gempix2 API key, checked at startup: without one, and without the simulator (whose key is
 * used then), the service refuses to start rather than fail every call with 1002.
 */
@Startup
@Singleton
class ApiKey {

    private final String value;

    ApiKey(ProviderConfig config) {
        var settings = ConfigProvider.getConfig();
        boolean simulator = settings.getOptionalValue("gempix2.simulator.enabled", Boolean.class).orElse(false);
        this.value = config.apiKey().filter(key -> !key.isBlank())
                .or(() -> simulator
                        ? settings.getOptionalValue("gempix2.simulator.api-keys", String.class)
                                .map(keys -> keys.split(",")[0].trim()).or(() -> java.util.Optional.of("sim-key"))
                        : java.util.Optional.empty())
                .orElseThrow(() -> new IllegalStateException(
                        "GEMPIX2_API_KEY is not set: set it to the key from the Gempix2 dashboard "
                                + "(or enable the simulator with GEMPIX2_SIMULATOR_ENABLED=true for a local run)"));
    }

    String value() {
        return value;
    }
}
