package com.gempix2.orchestrator.simulator;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * The {@code gempix2.simulator.*} properties, declared so that configuration validation knows them;
 * {@link SimulatorSettings#fromLookup} reads their values (host, port, api-keys, public-base-url, knobs).
 */
@ConfigMapping(prefix = "gempix2.simulator")
public interface SimulatorConfig {

    /** Runs the simulator inside the service. Never on unless set: it is a stand-in for tests and local runs. */
    @WithDefault("false")
    boolean enabled();

    /** Every other simulator setting, by its kebab-case name. */
    @WithParentName
    Map<String, String> settings();
}
